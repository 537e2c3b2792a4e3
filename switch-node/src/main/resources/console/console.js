// The live events' connection state, for the reader and for the browser tests.
document.body.addEventListener("htmx:sseOpen", function (e) {
  var state = document.getElementById("stream-state");
  if (state) {
    state.dataset.connected = "true";
    state.textContent = "Connected: events appear here as the journal takes them, newest first.";
  }
});
document.body.addEventListener("htmx:sseError", function () {
  var state = document.getElementById("stream-state");
  if (state) {
    delete state.dataset.connected;
    state.textContent = "Disconnected; reconnecting…";
  }
});

// The overview's chart: authorizations per second (between samples), and the node's approval rate and authorize p99
// since start, sampled every two seconds
// from /console/overview/figures and drawn with uPlot. Nothing here runs on pages without a #chart.
(function () {
  "use strict";
  var el = document.getElementById("chart");
  if (!el || !window.uPlot) {
    return;
  }
  var data = [[], [], [], []];
  var last = null;
  var plot = new uPlot({
    width: Math.max(el.clientWidth, 280),
    height: 220,
    series: [
      {},
      { label: "authorizations/s", stroke: "#1d4ed8", scale: "n" },
      { label: "approval % since start", stroke: "#15803d", scale: "%" },
      { label: "p99 ms since start", stroke: "#b91c1c", scale: "ms" }
    ],
    axes: [{}, { scale: "n" }, { scale: "%", side: 1, grid: { show: false } }]
  }, data, el);

  function sample() {
    fetch(el.dataset.figures, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (f) {
        if (!f) {
          return;
        }
        if (last) {
          var seconds = Math.max(f.t - last.t, 0.001);
          data[0].push(f.t);
          data[1].push((f.authorizations - last.authorizations) / seconds);
          data[2].push(f.approvalRate * 100);
          data[3].push(f.p99);
          if (data[0].length > 150) {
            data.forEach(function (s) { s.shift(); });
          }
          plot.setData(data);
          el.dataset.samples = String(data[0].length);
        }
        last = f;
      })
      .catch(function () { /* the next sample tries again */ });
  }
  sample();
  setInterval(sample, 2000);
  window.addEventListener("resize", function () {
    plot.setSize({ width: Math.max(el.clientWidth, 280), height: 220 });
  });
})();
