// Optional: read a bar's value out under the chart on hover or focus. The chart itself is
// server-rendered SVG (each bar also has a <title> tooltip), so nothing depends on this file.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const svg of document.querySelectorAll("svg[data-chart]")) {
    const readout = svg.closest("figure")?.querySelector(".chart-readout");
    if (!readout) continue;
    svg.addEventListener("mouseover", (event) => {
      const bar = event.target.closest(".bar, .segment");
      if (!bar) return;
      svg.querySelectorAll(".active").forEach((b) => b.classList.remove("active"));
      bar.classList.add("active");
      readout.textContent = bar.dataset.label + " article(s)";
    });
  }
});
