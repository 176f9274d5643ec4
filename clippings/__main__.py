from clippings.cli import main

main()
