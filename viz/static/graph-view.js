/* ChainAtlas graph view: draws a payload built by chainatlas.viz.interactive with vis-network.
   Shared by the self-contained HTML pages (inlined) and the web explorer (served).
   Data is only ever put in the page with textContent or drawn on the canvas. */
(function (global) {
  "use strict";
  function render(container, legend, data) {
  var FONT = data.font;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function tooltip(t) {
    var box = el("div", "ca-tip");
    box.appendChild(el("b", null, t.name));
    if (t.name_en) { box.appendChild(el("div", "en", t.name_en)); }
    t.lines.forEach(function (line) { box.appendChild(el("div", null, line)); });
    (t.sources || []).slice(0, 4).forEach(function (s) {
      var d = el("div", "src", "来源 " + s.doc + ": ");
      d.appendChild(el("q", null, s.quote));
      box.appendChild(d);
    });
    return box;
  }
  var nodes = data.nodes.map(function (n) {
    var o = Object.assign({}, n.vis);
    o.title = tooltip(n.tip);
    return o;
  });
  var edges = data.edges.map(function (e) {
    var o = Object.assign({}, e.vis);
    if (e.tip) { o.title = tooltip(e.tip); }
    return o;
  });
  var network = new vis.Network(container,
    { nodes: new vis.DataSet(nodes), edges: new vis.DataSet(edges) }, data.options);

  // chain map: segment columns, stage bands and gap marks drawn behind the nodes
  if (data.boxes) {
    network.on("beforeDrawing", function (ctx) {
      data.boxes.columns.forEach(function (c) {
        ctx.save();
        ctx.lineWidth = c.gap ? 3 : 1.4;
        ctx.strokeStyle = c.colour;
        ctx.fillStyle = c.fill;
        if (c.gap) { ctx.setLineDash([10, 6]); }
        ctx.beginPath(); ctx.rect(c.x, c.y, c.w, c.h); ctx.fill(); ctx.stroke();
        ctx.restore();
        if (c.reference) {
          /* a reference segment (industry knowledge, no source): dotted inner frame + tag */
          ctx.save();
          ctx.lineWidth = 2; ctx.strokeStyle = c.refColour; ctx.setLineDash([2, 4]);
          ctx.strokeRect(c.x + 6, c.y + 6, c.w - 12, c.h - 12);
          ctx.restore();
          ctx.font = "bold 13px " + FONT;
          var rw = ctx.measureText(c.reference).width + 12;
          /* the tag sits inside the column's foot, clear of the status badge above it */
          var ry = c.y + c.h - 34;
          ctx.fillStyle = "#fff"; ctx.fillRect(c.x + 12, ry, rw, 22);
          ctx.strokeStyle = c.refColour; ctx.setLineDash([2, 3]); ctx.strokeRect(c.x + 12, ry, rw, 22);
          ctx.setLineDash([]);
          ctx.fillStyle = c.refColour; ctx.textAlign = "left"; ctx.textBaseline = "middle";
          ctx.fillText(c.reference, c.x + 18, ry + 11);
        }
        if (c.badge) {
          ctx.font = "bold 14px " + FONT;
          var w = ctx.measureText(c.badge).width + 14;
          ctx.fillStyle = c.colour;
          ctx.fillRect(c.x + c.w - w, c.y - 26, w, 22);
          ctx.fillStyle = "#fff"; ctx.textAlign = "right"; ctx.textBaseline = "middle";
          ctx.fillText(c.badge, c.x + c.w - 7, c.y - 15);
        }
        if (c.empty) {
          ctx.fillStyle = c.colour; ctx.font = "14px " + FONT; ctx.textAlign = "center";
          ctx.fillText(c.empty, c.x + c.w / 2, c.y + 150);
        }
        if (c.more) {
          ctx.fillStyle = "#566573"; ctx.font = "12px " + FONT; ctx.textAlign = "center";
          ctx.fillText(c.more, c.x + c.w / 2, c.y + c.h - 12);
        }
      });
      data.boxes.bands.forEach(function (b) {
        ctx.fillStyle = "#eaf0f6";
        ctx.fillRect(b.x, b.y, b.w, b.h);
        ctx.fillStyle = "#34495e";
        ctx.font = "15px " + FONT;
        ctx.textAlign = "center"; ctx.textBaseline = "middle";
        ctx.fillText(b.label, b.x + b.w / 2, b.y + b.h / 2);
      });
    });
  }
  network.once("afterDrawing", function () { network.fit({ animation: false }); });

  legend.textContent = "";
  legend.appendChild(el("h2", null, "图例 Legend"));
  data.legend.forEach(function (e) {
    var row = el("div");
    var sw = el("i", e.box ? "box" : null);
    if (e.box) { sw.style.border = "2px " + (e.dash || e.line || "dashed") + " " + e.colour; sw.style.background = e.fill; }
    else if (e.arrow) { sw.className = "arrow"; sw.style.borderTop = "2px " + e.arrow + " " + e.colour; }
    else { sw.style.background = e.colour; }
    row.appendChild(sw);
    row.appendChild(el("span", null, e.zh + " " + e.en));
    legend.appendChild(row);
  });
  return network;
  }
  global.ChainAtlasGraph = { render: render };
})(window);
