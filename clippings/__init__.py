"""The `clippings` command: the edge where configuration is read and the library is called."""
