// The timeline is one Tab stop: the server gives one bar tabindex 0 and the others -1; the
// arrow keys, Home and End move focus among the bars (a roving tabindex). Listening on the
// document keeps working when results as you type replace the chart.
(() => {
  "use strict";
  const KEYS = ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End"];

  document.addEventListener("keydown", (event) => {
    const current = event.target.closest ? event.target.closest(".timeline a.bar") : null;
    if (!current || !KEYS.includes(event.key) || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    const bars = Array.from(current.closest(".timeline").querySelectorAll("a.bar"));
    const at = bars.indexOf(current);
    const step = { ArrowLeft: -1, ArrowDown: -1, ArrowRight: 1, ArrowUp: 1 }[event.key];
    let next = at + (step || 0);
    if (event.key === "Home") next = 0;
    if (event.key === "End") next = bars.length - 1;
    next = Math.max(0, Math.min(bars.length - 1, next));
    event.preventDefault();
    for (const bar of bars) bar.tabIndex = -1;
    bars[next].tabIndex = 0;
    bars[next].focus();
  });
})();
