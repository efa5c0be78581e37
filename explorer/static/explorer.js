// govreports explorer: reveal what was printed behind a number, light up a broken sum, draw an organ's charts.
(function () {
  "use strict";

  function reveal(cell) {
    var box = document.getElementById("inspector");
    if (!box || !cell) return;
    document.querySelectorAll(".value.selected").forEach(function (c) { c.classList.remove("selected"); });
    cell.classList.add("selected");
    var list = box.querySelector("dl");
    list.hidden = false;
    var hint = box.querySelector(".hint");
    if (hint) hint.hidden = true;
    ["label", "value", "printed", "unit", "note", "where"].forEach(function (name) {
      var field = list.querySelector('[data-field="' + name + '"]');
      if (field) field.textContent = cell.dataset[name] || "—";
    });
    var link = list.querySelector('[data-field="original"]');
    if (link) {
      var page = cell.dataset.page;
      link.href = link.dataset.base + (page && link.dataset.pdf ? "#page=" + page : "");
      link.textContent = page && link.dataset.pdf ? "open the archived original at page " + page : "open the archived original";
    }
  }

  function light(index, on) {
    document.querySelectorAll(".value[data-breaks]").forEach(function (cell) {
      var mine = (cell.dataset.breaks || "").split(" ").indexOf(String(index)) >= 0;
      cell.classList.toggle("lit", on && mine);
    });
  }

  document.addEventListener("click", function (event) {
    var cell = event.target.closest(".value");
    if (cell) reveal(cell);
  });
  document.addEventListener("mouseover", function (event) {
    var cell = event.target.closest(".value");
    if (cell) reveal(cell);
    var item = event.target.closest(".break");
    if (item) light(item.dataset.break, true);
  });
  document.addEventListener("mouseout", function (event) {
    var item = event.target.closest(".break");
    if (item) light(item.dataset.break, false);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.classList && event.target.classList.contains("value")) reveal(event.target);
  });
  document.addEventListener("focusin", function (event) {
    var item = event.target.closest && event.target.closest(".break");
    if (item) light(item.dataset.break, true);
  });

  var data = document.getElementById("chart-data");
  if (data && window.Chart) {
    var charts = JSON.parse(data.textContent);
    var palette = ["#1f5fae", "#d9822b", "#2e8b57", "#b3261e", "#7b4fa3", "#5b6575"];
    function datasets(series, scale) {
      return Object.keys(series).map(function (name, i) {
        return { label: charts.labels[name] || name, data: series[name].map(function (v) { return v === null ? null : v * scale; }),
                 borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length], spanGaps: true, tension: 0.2 };
      });
    }
    function draw(id, series, scale, unit) {
      var canvas = document.getElementById(id);
      if (!canvas) return;
      new window.Chart(canvas, {
        type: "line",
        data: { labels: charts.years, datasets: datasets(series, scale) },
        options: { animation: false, responsive: true, interaction: { mode: "index", intersect: false },
                   scales: { y: { beginAtZero: true, title: { display: true, text: unit } } } }
      });
    }
    draw("chart-counts", charts.counts, 1, "件");
    draw("chart-ratios", charts.ratios, 100, "%");
  }
})();
