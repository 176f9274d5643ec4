// The search page, enhanced: results as you type (the address kept in step, Back works), "/" to
// come back to the box and Escape to clear it, and the filters open beside the results on wide
// screens. Without this script every form and link works the same, one page load at a time.
(() => {
  "use strict";
  const DELAY = 200; // ms of quiet after a keystroke before searching
  const form = document.querySelector("form.search");
  const box = document.getElementById("q");
  const live = document.getElementById("live");
  const wide = window.matchMedia("(min-width: 56rem)");
  let timer = 0;
  let pending = null;
  let typing = false; // a typed query has its own history entry, replaced as typing goes on
  let shown = window.location.pathname + window.location.search; // the page in <main> now

  function openFilters() {
    for (const panel of document.querySelectorAll("details.filters")) panel.open = wide.matches;
  }

  function formAddress() {
    const params = new URLSearchParams(new FormData(form));
    return "/?" + params.toString();
  }

  // Fetches a search page and puts its results in place of these; `history` is "push",
  // "replace" or "none" (the address is already the page's, after Back).
  async function show(address, history) {
    if (pending) pending.abort();
    pending = new AbortController();
    let html;
    try {
      const response = await fetch(address, { signal: pending.signal });
      html = await response.text();
    } catch (error) {
      if (error.name !== "AbortError") window.location.assign(address);
      return;
    }
    const page = new DOMParser().parseFromString(html, "text/html");
    const main = document.querySelector("main");
    main.replaceChildren(...page.querySelector("main").childNodes);
    document.title = page.title;
    for (const selector of ['meta[name="description"]', "a.skip", 'link[rel="alternate"]']) {
      const now = document.querySelector(selector);
      const next = page.querySelector(selector);
      if (now && next) now.replaceWith(next);
      else if (now) now.remove();
      else if (next) document.head.append(next);
    }
    if (history === "push") window.history.pushState(null, "", address);
    if (history === "replace") window.history.replaceState(null, "", address);
    shown = window.location.pathname + window.location.search;
    openFilters();
    const count = main.querySelector(".count");
    if (live && count) live.textContent = count.textContent.replace(/\s+/g, " ").trim();
  }

  function searchSoon() {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      show(formAddress(), typing ? "replace" : "push");
      typing = true;
    }, DELAY);
  }

  if (form && box && window.fetch && window.history.pushState) {
    box.setAttribute("aria-describedby", "keys"); // says what this script adds to the box
    box.addEventListener("input", searchSoon);
    form.addEventListener("change", (event) => {
      if (event.target.type === "checkbox") {
        typing = false;
        searchSoon();
      }
    });
    form.addEventListener("submit", () => window.clearTimeout(timer));
    box.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && box.value) {
        event.preventDefault();
        box.value = "";
        typing = false; // clearing is a step of its own: Back brings the query back
        searchSoon();
      }
    });
    window.addEventListener("popstate", () => {
      if (window.location.pathname + window.location.search === shown) return; // a #fragment
      typing = false;
      box.value = new URL(window.location.href).searchParams.get("q") || "";
      show(window.location.href, "none");
    });
  }

  // WCAG 2.1.4: a one-character shortcut can be turned off; the choice is kept in this browser.
  const STORED = "clippings-shortcut";
  const toggle = document.getElementById("shortcuts-toggle");
  const stored = (() => {
    try {
      return window.localStorage; // absent or refused where storage is off
    } catch (error) {
      return null;
    }
  })();
  let shortcut = !stored || stored.getItem(STORED) !== "off";
  if (toggle && box) {
    toggle.closest("p").hidden = false;
    toggle.checked = shortcut;
    toggle.addEventListener("change", () => {
      shortcut = toggle.checked;
      if (stored) stored.setItem(STORED, shortcut ? "on" : "off");
    });
  }

  document.addEventListener("keydown", (event) => {
    if (!shortcut || event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select();
  });

  wide.addEventListener("change", openFilters);
  openFilters();
})();
