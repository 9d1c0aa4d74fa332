/* vap-portal: pan and zoom for the diagrams of a page, with visible controls.
   Each `.vap-diagram-view` holds one inline SVG drawn by Graphviz (user units are points). The view
   opens at natural size (10 pt labels are 13 px, edge labels 12 px) centred on the subject of the page
   (`.vap-subject` nodes), pans by dragging and zooms with the buttons or Ctrl + wheel. Links in the SVG
   keep working: a drag longer than a few pixels does not count as a click. No inline script, no eval. */
(function () {
  "use strict";
  var PX_PER_PT = 4 / 3;
  var STEP = 1.25;
  var MIN_HEIGHT = 240;
  var SVG_NS = "http://www.w3.org/2000/svg";
  var ICONS = {  // Material Design icons (Apache 2.0), as Material for MkDocs ships them
    plus: "M19 13h-6v6h-2v-6H5v-2h6V5h2v6h6v2Z",
    minus: "M19 13H5v-2h14v2Z",
    reset: "M12 5V1L7 6l5 5V7c3.31 0 6 2.69 6 6s-2.69 6-6 6-6-2.69-6-6H4c0 4.42 3.58 8 8 8s8-3.58 8-8-3.58-8-8-8Z",
    full: "M5 5h5v2H7v3H5V5m9 0h5v5h-2V7h-3V5m3 9h2v5h-5v-2h3v-3m-7 3v2H5v-5h2v3h3Z",
  };

  function setup(view) {
    var svg = view.querySelector("svg");
    if (!svg || view.dataset.vapReady) return;
    view.dataset.vapReady = "1";
    var frame = view.parentNode;  // the .vap-diagram around view, legend and list: what full screen shows
    var box = svg.viewBox.baseVal;
    var full = { x: box.x, y: box.y, w: box.width, h: box.height };
    if (!full.w || !full.h) return;
    var natural = PX_PER_PT;
    var state = { scale: natural, cx: full.x + full.w / 2, cy: full.y + full.h / 2 };

    svg.removeAttribute("style");
    svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
    view.classList.add("vap-diagram-view--live");
    view.tabIndex = 0;

    function size() {
      var width = view.clientWidth;
      var fullscreen = document.fullscreenElement === frame;
      var height = fullscreen
        ? view.clientHeight
        : Math.max(Math.min(full.h * natural + 8, window.innerHeight * 0.7), Math.min(MIN_HEIGHT, full.h * natural + 8));
      return { w: width, h: height, fullscreen: fullscreen };
    }

    function clamp(value, low, high) {
      return low > high ? (low + high) / 2 : Math.min(Math.max(value, low), high);
    }

    function draw() {
      var s = size();
      view.style.height = s.fullscreen ? "" : s.h + "px";
      var w = s.w / state.scale;
      var h = s.h / state.scale;
      // never pan further than the drawing: a diagram smaller than the view stays in its middle
      state.cx = clamp(state.cx, full.x + w / 2, full.x + full.w - w / 2);
      state.cy = clamp(state.cy, full.y + h / 2, full.y + full.h - h / 2);
      svg.setAttribute("width", String(s.w));
      svg.setAttribute("height", String(s.h));
      svg.setAttribute("viewBox", [state.cx - w / 2, state.cy - h / 2, w, h].join(" "));
      view.dataset.vapScale = String(state.scale / natural);
    }

    function subjectCentre() {
      var nodes = svg.querySelectorAll(".vap-subject");
      if (!nodes.length) return null;
      var svgRect = svg.getBoundingClientRect();
      var vb = svg.viewBox.baseVal;
      var unit = vb.width / svgRect.width;
      var left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
      nodes.forEach(function (node) {
        var r = node.getBoundingClientRect();
        left = Math.min(left, r.left); top = Math.min(top, r.top);
        right = Math.max(right, r.right); bottom = Math.max(bottom, r.bottom);
      });
      return {
        x: vb.x + ((left + right) / 2 - svgRect.left) * unit,
        y: vb.y + ((top + bottom) / 2 - svgRect.top) * unit,
      };
    }

    function reset() {
      state.scale = natural;
      state.cx = full.x + full.w / 2;
      state.cy = full.y + full.h / 2;
      draw();
      var centre = subjectCentre();
      if (centre) {
        state.cx = centre.x;
        state.cy = centre.y;
        draw();
      }
    }

    function zoom(factor) {
      state.scale = Math.min(Math.max(state.scale * factor, natural / 8), natural * 4);
      draw();
    }

    function button(label, icon, action) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "vap-zoom-button";
      b.setAttribute("aria-label", label);
      var pic = document.createElementNS(SVG_NS, "svg");
      pic.setAttribute("viewBox", "0 0 24 24");
      pic.setAttribute("aria-hidden", "true");
      var path = document.createElementNS(SVG_NS, "path");
      path.setAttribute("d", icon);
      pic.appendChild(path);
      b.appendChild(pic);
      b.addEventListener("click", action);
      return b;
    }

    var controls = document.createElement("div");
    controls.className = "vap-zoom-controls";
    controls.setAttribute("role", "toolbar");
    controls.setAttribute("aria-label", "Diagram view");
    controls.append(
      button("Zoom in", ICONS.plus, function () { zoom(STEP); }),
      button("Zoom out", ICONS.minus, function () { zoom(1 / STEP); }),
      button("Reset the view", ICONS.reset, reset),
      button("Full screen", ICONS.full, function () {
        if (document.fullscreenElement === frame) document.exitFullscreen();
        else if (frame.requestFullscreen) frame.requestFullscreen();
      })
    );
    frame.insertBefore(controls, view);
    document.addEventListener("fullscreenchange", function () { draw(); });
    window.addEventListener("resize", function () { draw(); });

    var drag = null;
    var moved = false;
    svg.addEventListener("pointerdown", function (e) {
      if (e.button !== 0) return;
      drag = { x: e.clientX, y: e.clientY, cx: state.cx, cy: state.cy };
      moved = false;
    });
    window.addEventListener("pointermove", function (e) {
      if (!drag) return;
      var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      if (!moved && Math.abs(dx) + Math.abs(dy) < 5) return;
      moved = true;
      view.classList.add("vap-diagram-view--dragging");
      state.cx = drag.cx - dx / state.scale;
      state.cy = drag.cy - dy / state.scale;
      draw();
    });
    window.addEventListener("pointerup", function () {
      drag = null;
      view.classList.remove("vap-diagram-view--dragging");
    });
    svg.addEventListener("click", function (e) {
      if (moved) { e.preventDefault(); e.stopPropagation(); moved = false; }
    }, true);
    view.addEventListener("wheel", function (e) {
      if (!e.ctrlKey) return;  // plain wheel scrolls the page
      e.preventDefault();
      zoom(e.deltaY < 0 ? STEP : 1 / STEP);
    }, { passive: false });
    view.addEventListener("keydown", function (e) {
      if (e.target !== view) return;
      var pan = 40 / state.scale;
      var keys = {
        "+": function () { zoom(STEP); }, "=": function () { zoom(STEP); }, "-": function () { zoom(1 / STEP); },
        "0": reset,
        ArrowLeft: function () { state.cx -= pan; draw(); }, ArrowRight: function () { state.cx += pan; draw(); },
        ArrowUp: function () { state.cy -= pan; draw(); }, ArrowDown: function () { state.cy += pan; draw(); },
      };
      if (keys[e.key]) { e.preventDefault(); keys[e.key](); }
    });
    reset();
  }

  function setupAll() {
    document.querySelectorAll(".vap-diagram-view").forEach(setup);
  }

  // Material's instant navigation swaps the page without a load event: its document$ observable tells
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(setupAll);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setupAll);
  } else {
    setupAll();
  }
})();
