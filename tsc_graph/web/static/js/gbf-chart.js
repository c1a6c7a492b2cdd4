// The home page's GBF coverage chart (Chart.js, vendored). The figures come from the table beside it, which
// stays the accessible alternative; a bar with 0 projects is drawn as a thin grey stub labelled 0, so gaps show.
(function () {
  "use strict";
  var figure = document.getElementById("gbf-chart");
  var canvas = document.getElementById("gbf-canvas");
  if (!figure || !canvas || !window.Chart) { return; }
  var rows = document.querySelectorAll("#gbf-table tbody tr");
  var labels = [], counts = [], links = [], titles = [];
  for (var i = 0; i < rows.length; i++) {
    labels.push(rows[i].getAttribute("data-number"));
    counts.push(parseInt(rows[i].getAttribute("data-count"), 10));
    links.push(rows[i].getAttribute("data-href"));
    titles.push(rows[i].cells[1].textContent);
  }
  var unit = figure.getAttribute("data-label");
  var valueLabels = {
    id: "valueLabels",
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx, meta = chart.getDatasetMeta(0);
      ctx.save();
      ctx.fillStyle = "#1d2a2f";
      ctx.font = "12px system-ui, sans-serif";
      ctx.textAlign = "center";
      meta.data.forEach(function (bar, index) { ctx.fillText(String(counts[index]), bar.x, bar.y - 4); });
      ctx.restore();
    }
  };
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: labels,
      datasets: [{
        label: unit,
        data: counts,
        minBarLength: 3,
        backgroundColor: counts.map(function (n) { return n ? "#1b6e3a" : "#9aa7ab"; }),
        hoverBackgroundColor: counts.map(function (n) { return n ? "#0a5a82" : "#6b7a80"; })
      }]
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      layout: { padding: { top: 18 } },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { title: function (items) { return titles[items[0].dataIndex]; } } }
      },
      scales: {
        x: { title: { display: true, text: figure.getAttribute("data-axis") }, grid: { display: false } },
        y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: unit } }
      },
      onClick: function (event, elements) {
        if (elements.length) { window.location.href = links[elements[0].index]; }
      }
    },
    plugins: [valueLabels]
  });
})();
