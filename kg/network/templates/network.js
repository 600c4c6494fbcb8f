// Draws the network from the JSON block above. Every label and tooltip is text: tooltips are
// DOM elements filled with textContent, so no string from the data is ever parsed as HTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("graph-data").textContent);

  function tooltip(text) {
    var element = document.createElement("div");
    element.textContent = text;
    return element;
  }
  data.nodes.forEach(function (n) { n.title = tooltip(n.title); });
  data.edges.forEach(function (e) { e.title = tooltip(e.title); });

  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var shownTypes = {};
  var relation = "";
  document.querySelectorAll(".type-filter").forEach(function (box) { shownTypes[box.value] = box.checked; });
  var nodeView = new vis.DataView(nodes, { filter: function (n) { return shownTypes[n.group] !== false; } });
  var edgeView = new vis.DataView(edges, { filter: function (e) { return !relation || e.relation === relation; } });

  var container = document.getElementById("network");
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, data.options);
  var firstFrame = true;
  network.on("afterDrawing", function () {
    if (firstFrame) {
      firstFrame = false;
      document.body.setAttribute("data-drawn", String(performance.now()));
    }
  });

  document.querySelectorAll(".type-filter").forEach(function (box) {
    box.addEventListener("change", function () { shownTypes[box.value] = box.checked; nodeView.refresh(); });
  });
  document.getElementById("relation-filter").addEventListener("change", function (event) {
    relation = event.target.value;
    edgeView.refresh();
  });
  document.getElementById("node-select").addEventListener("change", function (event) {
    var id = event.target.value;
    if (!id) { network.unselectAll(); return; }
    network.selectNodes([id]);
    network.focus(id, { scale: 1.2, animation: false });
  });
  // Read by tests and by anyone scripting the page.
  window.kgNetwork = { network: network, nodes: nodes, edges: edges };
})();
