/* The stepper: step through a backward pass that the build recorded (sitekit/stepper.py).

   Each [data-stepper] element holds one SVG of the graph (drawn with the final
   gradients), the steps as an ordered list, and JSON in data-steps: the
   gradients before the first step, and per step [node whose rule ran, nodes it wrote, [node, new
   grad] changes]. This script only rewrites the SVG's "grad ..." texts and
   outlines; it fetches nothing. With Material's instant navigation it sets up
   each new page's steppers too. */
(function () {
  "use strict";

  var PLAY_EVERY_MS = 1200;

  function setUp(root) {
    if (root.hasAttribute("data-stepper-ready")) return;
    root.setAttribute("data-stepper-ready", "");
    var data = JSON.parse(root.getAttribute("data-steps"));
    var graph = root.querySelector(".mg-stepper__graph");
    var svg = graph.querySelector("svg");
    var now = root.querySelector(".mg-stepper__now");
    var why = root.querySelector(".mg-stepper__why");
    var list = root.querySelector(".mg-stepper__list");
    var items = list.querySelectorAll("li");
    var buttons = {};
    root.querySelectorAll("[data-go]").forEach(function (button) {
      buttons[button.getAttribute("data-go")] = button;
    });
    var total = data.steps.length;
    var nodes = [];
    var ops = [];
    svg.querySelectorAll("g.node[data-n]").forEach(function (g) {
      var texts = g.querySelectorAll("text");
      nodes[+g.getAttribute("data-n")] = { g: g, label: texts[0].textContent.trim(), grad: texts[texts.length - 1] };
    });
    svg.querySelectorAll("g.node[data-op]").forEach(function (g) {
      ops[+g.getAttribute("data-op")] = g;
    });
    var frame = 0;
    var timer = null;
    var picked = -1;
    var zoomed = false;

    function gradsAt(k) {
      var grads = data.start.slice();
      for (var i = 0; i < k; i++) {
        data.steps[i][2].forEach(function (change) { grads[change[0]] = change[1]; });
      }
      return grads;
    }

    function outline(i, name) {
      nodes[i].g.classList.add(name);
      if (name === "mg-ran" && ops[i]) ops[i].classList.add(name);
    }

    function show(k) {
      frame = Math.max(0, Math.min(total, k));
      var grads = gradsAt(frame);
      nodes.forEach(function (node, i) {
        node.grad.textContent = "grad " + grads[i];
        node.g.classList.remove("mg-ran", "mg-wrote");
        node.g.setAttribute("aria-label", (node.label || "unlabelled node") + ", grad " + grads[i] +
          ": show how its gradient is assembled");
      });
      ops.forEach(function (op) { if (op) op.classList.remove("mg-ran"); });
      var step = frame ? data.steps[frame - 1] : null;
      if (step) {
        step[1].forEach(function (i) { outline(i, "mg-wrote"); });
        if (step[0] >= 0) outline(step[0], "mg-ran");
      }
      now.textContent = "Step " + frame + " of " + total + ": " +
        (step ? items[frame - 1].textContent : data.before);
      items.forEach(function (item, i) {
        if (i === frame - 1) item.setAttribute("aria-current", "step");
        else item.removeAttribute("aria-current");
      });
      // aria-disabled, not disabled: a button that just took the reader to the end keeps the focus.
      buttons.first.setAttribute("aria-disabled", String(frame === 0));
      buttons.prev.setAttribute("aria-disabled", String(frame === 0));
      buttons.next.setAttribute("aria-disabled", String(frame === total));
      buttons.last.setAttribute("aria-disabled", String(frame === total));
      if (step && zoomed) {
        var shown = step[1].map(function (i) { return nodes[i].g; });
        if (step[0] >= 0) shown.unshift(nodes[step[0]].g, ops[step[0]] || nodes[step[0]].g);
        follow(shown);
      }
    }

    function go(k) {
      stop();
      show(k);
    }

    function stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      buttons.play.setAttribute("aria-pressed", "false");
      buttons.play.firstElementChild.textContent = "▶";
    }

    function play() {
      if (timer !== null) return stop();
      if (frame === total) show(0);
      buttons.play.setAttribute("aria-pressed", "true");
      buttons.play.firstElementChild.textContent = "❚❚";
      timer = setInterval(function () {
        if (!root.isConnected || frame >= total) return stop();
        show(frame + 1);
        if (frame === total) stop();
      }, PLAY_EVERY_MS);
    }

    function explain(i) {
      if (picked >= 0) nodes[picked].g.classList.remove("mg-picked");
      picked = i;
      nodes[i].g.classList.add("mg-picked");
      why.textContent = data.why[i];
      why.hidden = false;
    }

    // Scroll the graph, not the page, to show the given elements of a zoomed-in graph: all of them
    // if they fit, else the first (the node whose rule ran).
    function follow(elements) {
      var view = graph.getBoundingClientRect();
      var box = null;
      elements.forEach(function (element) {
        var b = element.getBoundingClientRect();
        box = box ? { left: Math.min(box.left, b.left), top: Math.min(box.top, b.top),
          right: Math.max(box.right, b.right), bottom: Math.max(box.bottom, b.bottom) } : b;
      });
      if (box.right - box.left > view.width || box.bottom - box.top > view.height) {
        box = elements[0].getBoundingClientRect();
      }
      if (box.left < view.left || box.right > view.right) {
        graph.scrollLeft += (box.left + box.right) / 2 - (view.left + view.right) / 2;
      }
      if (box.top < view.top || box.bottom > view.bottom) {
        graph.scrollTop += (box.top + box.bottom) / 2 - (view.top + view.bottom) / 2;
      }
    }

    // At its natural size (graphviz gives it in pt) or fitted to the page (book.css).
    var natural = parseFloat(svg.getAttribute("width")) * 4 / 3;

    function zoom(on) {
      zoomed = on;
      root.classList.toggle("mg-stepper--zoomed", on);
      svg.style.width = on ? natural + "px" : "";
      buttons.zoom.setAttribute("aria-pressed", String(on));
      if (on && frame) show(frame);
    }

    // How much the fitted graph is shrunk; null while it is not laid out (in a closed block, say).
    function fittedScale() {
      var width = zoomed ? Math.min(natural, graph.clientWidth) : svg.getBoundingClientRect().width;
      return width ? width / natural : null;
    }

    function fitZoomButton() {
      if (!root.isConnected) return window.removeEventListener("resize", fitZoomButton);
      var scale = fittedScale();
      if (scale !== null) buttons.zoom.hidden = !zoomed && scale > 0.95;
    }

    root.addEventListener("click", function (event) {
      var button = event.target.closest("[data-go]");
      if (button) {
        var where = button.getAttribute("data-go");
        if (where === "first") go(0);
        else if (where === "prev") go(frame - 1);
        else if (where === "next") go(frame + 1);
        else if (where === "last") go(total);
        else if (where === "play") play();
        else if (where === "zoom") zoom(!zoomed);
        return;
      }
      var item = event.target.closest(".mg-stepper__list li");
      if (item) go(Array.prototype.indexOf.call(items, item) + 1);
    });

    // Roving focus: one node of the graph is in the Tab order; Up and Down move among them.
    var focusable = 0;
    nodes.forEach(function (node, i) {
      node.g.setAttribute("tabindex", i === nodes.length - 1 ? "0" : "-1");
      node.g.setAttribute("role", "button");
      if (i === nodes.length - 1) focusable = i;
    });
    svg.addEventListener("click", function (event) {
      var g = event.target.closest("g.node");
      if (!g || moved) return;
      var i = +(g.getAttribute("data-n") || g.getAttribute("data-op"));
      nodes[i].g.focus({ preventScroll: true });
      explain(i);
    });
    svg.addEventListener("focusin", function (event) {
      var g = event.target.closest("g.node[data-n]");
      if (!g) return;
      var i = +g.getAttribute("data-n");
      nodes[focusable].g.setAttribute("tabindex", "-1");
      g.setAttribute("tabindex", "0");
      focusable = i;
      explain(i);
    });

    root.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      var onNode = event.target.closest && event.target.closest("g.node[data-n]");
      if (onNode && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
        event.preventDefault();
        var next = focusable + (event.key === "ArrowDown" ? 1 : -1);
        if (next >= 0 && next < nodes.length) {
          nodes[next].g.focus({ preventScroll: true });
          follow([nodes[next].g]);
        }
        return;
      }
      if (onNode && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        explain(+onNode.getAttribute("data-n"));
        return;
      }
      if (event.target.closest("summary")) return;
      var to = { ArrowLeft: frame - 1, ArrowRight: frame + 1, Home: 0, End: total }[event.key];
      if (to === undefined) return;
      event.preventDefault();
      go(to);
    });

    // Drag to pan a zoomed-in graph; a drag is not a click on a node.
    var drag = null;
    var moved = false;
    graph.addEventListener("pointerdown", function (event) {
      moved = false;
      if (!zoomed || event.button !== 0) return;
      drag = { x: event.clientX, y: event.clientY, left: graph.scrollLeft, top: graph.scrollTop };
    });
    graph.addEventListener("pointermove", function (event) {
      if (!drag) return;
      var dx = event.clientX - drag.x;
      var dy = event.clientY - drag.y;
      if (!moved && Math.abs(dx) + Math.abs(dy) < 5) return;
      if (!moved) graph.setPointerCapture(event.pointerId);
      moved = true;
      graph.scrollLeft = drag.left - dx;
      graph.scrollTop = drag.top - dy;
    });
    ["pointerup", "pointercancel"].forEach(function (type) {
      graph.addEventListener(type, function () { drag = null; });
    });

    root.querySelectorAll("[hidden]:not([data-go=zoom]):not(.mg-stepper__why)").forEach(function (element) {
      element.hidden = false;
    });
    list.open = false;
    fitZoomButton();
    // A graph too big to read when fitted starts at its natural size, to be panned.
    var scale = fittedScale();
    if (scale !== null && scale < 0.5) zoom(true);
    window.addEventListener("resize", fitZoomButton);
    show(0);
  }

  function setUpAll() {
    document.querySelectorAll("[data-stepper]").forEach(setUp);
  }

  if (typeof window.document$ !== "undefined") {
    window.document$.subscribe(setUpAll); // Material: every page, instant navigation or not
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
