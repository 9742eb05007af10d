// The interpolation lab's page: choosing A and B, the latent path (straight, or through the
// Isomap graph), the slider, the two frames, the evidence curves, the latent map and the
// drawing pad. The maths is in nets.js (loaded first, as MV). The page's state lives in one
// LabPage whose methods each update one part of the page; the measures it shows (names, labels,
// units, whether they count as evidence) and the path methods (names, labels, colours, which
// are not offered and why) come from the payload. window.lab exposes the page and the models,
// so tests can read back what it shows.

"use strict";

(() => {
  const { SIDE, N_PIXELS, DenseNet, NeighbourGraph, unpackArray, makeProjection } = MV;
  const { LATENT_PATHS, SCORES, lerp, argmax, mnistFromInk, isomapRoute, codeAt } = MV;

  const N_CURVE = 41; // frames per path behind the evidence curves
  const PLAY_SECONDS = 3; // one sweep from t = 0 to t = 1
  const PATHS = ["pixel", "latent"];
  const SLOTS = ["a", "b"];

  const $ = (id) => document.getElementById(id);
  const clamp01 = (v) => Math.min(1, Math.max(0, v));

  const lab = {
    loaded: false,
    page: null,
    state: null,
    nets: null,
    map: null,
    timings: [], // per slider or arrow-key event: milliseconds, see timedRepaint
    routeTimings: [], // per Isomap path found (a new pair): milliseconds, see LabPage.newPath
  };
  window.lab = lab;

  // ---------------------------------------------------------------- small helpers

  function paintDigit(canvas, x) {
    const ctx = canvas.getContext("2d");
    const image = ctx.createImageData(SIDE, SIDE);
    for (let i = 0; i < N_PIXELS; i++) {
      const v = 255 - Math.round(255 * clamp01(x[i]));
      image.data[4 * i] = v;
      image.data[4 * i + 1] = v;
      image.data[4 * i + 2] = v;
      image.data[4 * i + 3] = 255;
    }
    ctx.putImageData(image, 0, 0);
  }

  function percent(p) {
    return `${Math.round(100 * p)}%`;
  }

  function capitalised(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function element(tag, className, text) {
    const made = document.createElement(tag);
    if (className) made.className = className;
    if (text !== undefined) made.textContent = text;
    return made;
  }

  // ---------------------------------------------------------------- units

  // How a unit's values are scaled on a chart (top: the axis' upper end, from the values drawn
  // and the models) and written (format, then suffix).
  const UNITS = {
    probability: { top: () => 1, format: percent, suffix: "", inTitle: false },
    nats: {
      top: (values, nets) => Math.log(nets.classifier.nOut),
      format: (v) => v.toFixed(2),
      suffix: " nats",
      inTitle: true,
    },
    MSE: {
      top: (values) => Math.max(1e-6, ...values) * 1.1,
      format: (v) => v.toFixed(4),
      suffix: "",
      inTitle: true,
    },
  };

  function unitOf(measure) {
    const known = UNITS[measure.unit];
    if (known) return known;
    return { ...UNITS.MSE, format: (v) => v.toFixed(3), suffix: ` ${measure.unit}` };
  }

  function written(measure, value) {
    const unit = unitOf(measure);
    return `${unit.format(value)}${unit.suffix}`;
  }

  // ---------------------------------------------------------------- models and frames

  function makeNets(encoder, decoder, classifier, project) {
    return {
      encoder,
      decoder,
      classifier,
      project,
      encode: (x) => encoder.forward(x),
      decode: (z) => decoder.forward(z),
      classify: (x) => classifier.forward(x),
      reconstruct: (x) => decoder.forward(encoder.forward(x)),
    };
  }

  // The measures the payload asks for must be ones this page computes.
  function checkMeasures(measures) {
    const unknown = measures.filter((m) => !(m.name in SCORES)).map((m) => m.name);
    if (unknown.length) throw new Error(`this page cannot compute ${unknown.join(", ")}`);
  }

  // An endpoint: an image with its code, the classifier's view and the class it stands for.
  function makeEndpoint(nets, x, { label, name, key }) {
    const p = nets.classify(x);
    return { x, z: nets.encode(x), p, label: label ?? argmax(p), name, key };
  }

  function testDigit(nets, pixels, offset, label, index, key) {
    const x = new Float64Array(N_PIXELS);
    for (let i = 0; i < N_PIXELS; i++) x[i] = pixels[offset + i] / 255;
    return makeEndpoint(nets, x, { label, name: `test digit ${label} (#${index})`, key });
  }

  // One path's frame: its image, code and reconstruction, the classifier's view, every
  // measure shown (scores, by name, as Judges.score) and where it lands on the map.
  function scoreFrame(nets, measures, { x, z, reconstruction }, classes) {
    const p = nets.classify(x);
    const frame = { x, z, p, reconstruction, predicted: argmax(p), xy: nets.project(z) };
    frame.scores = Object.fromEntries(measures.map((m) => [m.name, SCORES[m.name](frame, classes)]));
    return frame;
  }

  // The latent path between the endpoints as a function of t (its code at t), or null when
  // there is none (an Isomap route with an error). `route` is the Isomap path, found once per
  // pair: its t is the fraction of the decoded curve's length, as resample_by_arclength's.
  function latentPath(pathKind, { a, b }, route) {
    if (pathKind === "isomap") return route.error ? null : (t) => codeAt(route.curve, t);
    return (t) => LATENT_PATHS[pathKind](a.z, b.z, t);
  }

  // Both paths' frames at t (the latent one null when there is no latent path).
  function framesAt(nets, measures, { a, b }, t, zAt) {
    const classes = [a.label, b.label];
    const xPixel = lerp(a.x, b.x, t);
    const zPixel = nets.encode(xPixel);
    // decode(encode(x)): the pixel frame's code is at hand, the latent frame's is re-encoded
    const pixel = { x: xPixel, z: zPixel, reconstruction: nets.decode(zPixel) };
    const frames = { pixel: scoreFrame(nets, measures, pixel, classes), latent: null };
    if (zAt) {
      const zLatent = zAt(t);
      const xLatent = nets.decode(zLatent);
      const latent = { x: xLatent, z: zLatent, reconstruction: nets.reconstruct(xLatent) };
      frames.latent = scoreFrame(nets, measures, latent, classes);
    }
    return frames;
  }

  // Every measure along both paths at N_CURVE values of t, and the paths on the map (a path
  // with no frames has null curves).
  function computeCurves(nets, measures, endpoints, zAt) {
    const t = Float64Array.from({ length: N_CURVE }, (_, k) => k / (N_CURVE - 1));
    const curves = { t, ends: [nets.project(endpoints.a.z), nets.project(endpoints.b.z)] };
    for (const path of PATHS) {
      const scores = Object.fromEntries(measures.map((m) => [m.name, new Float64Array(N_CURVE)]));
      curves[path] = { scores, xy: [] };
    }
    if (!zAt) curves.latent = null;
    t.forEach((tk, k) => {
      const frames = framesAt(nets, measures, endpoints, tk, zAt);
      for (const path of PATHS) {
        if (!frames[path]) continue;
        curves[path].xy.push(frames[path].xy);
        for (const m of measures) curves[path].scores[m.name][k] = frames[path].scores[m.name];
      }
    });
    return curves;
  }

  // ---------------------------------------------------------------- evidence charts

  // One measure along both paths, with a cursor at t. Its title is the measure's label from
  // the payload; a note says whether it counts as evidence, and why not.
  class Chart {
    constructor(parent, measure, colours, nets) {
      this.measure = measure;
      this.unit = unitOf(measure);
      this.colours = colours;
      this.nets = nets;
      const box = element("div", "chart");
      box.dataset.measure = measure.name;
      box.dataset.evidence = String(measure.evidence);
      const title = element("h3", "", capitalised(measure.label));
      if (this.unit.inTitle) title.append(element("span", "unit", ` · ${measure.unit}`));
      this.canvas = element("canvas");
      this.canvas.width = 320;
      this.canvas.height = 190;
      const notes = element("div", "notes");
      const status = measure.evidence ? "passed the controls: counts as evidence" : measure.reason;
      notes.append(element("p", `note ${measure.evidence ? "evidence" : "not-evidence"}`, status));
      if (measure.hint) notes.append(element("p", "note", measure.hint));
      box.append(title, this.canvas, notes);
      parent.append(box);
      this.background = element("canvas");
      this.background.width = this.canvas.width;
      this.background.height = this.canvas.height;
      this.margin = { left: 52, right: 10, top: 10, bottom: 28 };
    }

    toScreen(t, v) {
      const { left, right, top, bottom } = this.margin;
      const w = this.canvas.width - left - right;
      const h = this.canvas.height - top - bottom;
      return [left + t * w, top + h * (1 - Math.min(1.05, Math.max(0, v / this.yMax)))];
    }

    setCurves(curves) {
      const drawn = PATHS.filter((path) => curves[path]);
      const values = drawn.flatMap((path) => Array.from(curves[path].scores[this.measure.name]));
      this.yMax = this.unit.top(values, this.nets);
      const ctx = this.background.getContext("2d");
      const { width, height } = this.background;
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, width, height);
      this.drawAxes(ctx);
      for (const path of drawn) {
        ctx.strokeStyle = this.colours[path];
        ctx.lineWidth = 2.5;
        ctx.beginPath();
        curves[path].scores[this.measure.name].forEach((v, k) => {
          const [x, y] = this.toScreen(curves.t[k], v);
          if (k === 0) ctx.moveTo(x, y);
          else ctx.lineTo(x, y);
        });
        ctx.stroke();
      }
    }

    drawAxes(ctx) {
      ctx.font = "12px system-ui, sans-serif";
      ctx.fillStyle = "#555";
      ctx.strokeStyle = "#ddd";
      ctx.lineWidth = 1;
      for (const fraction of [0, 0.5, 1]) {
        const [x0, y] = this.toScreen(0, fraction * this.yMax);
        const [x1] = this.toScreen(1, 0);
        ctx.beginPath();
        ctx.moveTo(x0, y);
        ctx.lineTo(x1, y);
        ctx.stroke();
        ctx.textAlign = "right";
        ctx.textBaseline = "middle";
        ctx.fillText(this.unit.format(fraction * this.yMax), x0 - 5, y);
      }
      ctx.textAlign = "center";
      ctx.textBaseline = "top";
      for (const t of [0, 0.5, 1]) {
        const [x, y] = this.toScreen(t, 0);
        ctx.fillText(t === 0 ? "A" : t === 1 ? "B" : "t = 0.5", x, y + 6);
      }
    }

    draw(t, frames) {
      const ctx = this.canvas.getContext("2d");
      ctx.drawImage(this.background, 0, 0);
      const [x, yTop] = this.toScreen(t, this.yMax);
      const [, yBottom] = this.toScreen(t, 0);
      ctx.strokeStyle = "#111";
      ctx.lineWidth = 1;
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      ctx.moveTo(x, yTop);
      ctx.lineTo(x, yBottom);
      ctx.stroke();
      ctx.setLineDash([]);
      for (const path of PATHS.filter((name) => frames[name])) {
        const [, y] = this.toScreen(t, frames[path].scores[this.measure.name]);
        ctx.fillStyle = this.colours[path];
        ctx.beginPath();
        ctx.arc(x, y, 4.5, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
  }

  // ---------------------------------------------------------------- latent map

  class LatentMap {
    constructor(canvas, map, colours) {
      this.canvas = canvas;
      this.map = map;
      this.colours = colours;
      this.fitView();
      this.screen = new Float32Array(2 * map.n);
      for (let i = 0; i < map.n; i++) {
        const [sx, sy] = this.toScreen([map.xy[2 * i], map.xy[2 * i + 1]]);
        this.screen[2 * i] = sx;
        this.screen[2 * i + 1] = sy;
      }
      this.background = this.drawBackground();
    }

    // The map's extent, padded by 6% on each side, with one scale for both axes so distances
    // on the map are not stretched.
    fitView() {
      const { n, xy } = this.map;
      const us = Float64Array.from({ length: n }, (_, i) => xy[2 * i]);
      const vs = Float64Array.from({ length: n }, (_, i) => xy[2 * i + 1]);
      const [u0, u1] = [Math.min(...us), Math.max(...us)];
      const [v0, v1] = [Math.min(...vs), Math.max(...vs)];
      const padded = (lo, hi) => hi - lo + 0.12 * (hi - lo || 1);
      const half = Math.max(padded(u0, u1), padded(v0, v1)) / 2;
      const [uc, vc] = [(u0 + u1) / 2, (v0 + v1) / 2];
      [this.u0, this.u1, this.v0, this.v1] = [uc - half, uc + half, vc - half, vc + half];
    }

    drawBackground() {
      const { width, height } = this.canvas;
      const background = element("canvas");
      background.width = width;
      background.height = height;
      const ctx = background.getContext("2d");
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, width, height);
      ctx.globalAlpha = 0.55;
      for (let i = 0; i < this.map.n; i++) {
        ctx.fillStyle = this.colours.digits[this.map.y[i]];
        ctx.beginPath();
        ctx.arc(this.screen[2 * i], this.screen[2 * i + 1], 2.6, 0, 2 * Math.PI);
        ctx.fill();
      }
      ctx.globalAlpha = 1;
      ctx.fillStyle = "#555";
      ctx.font = "13px system-ui, sans-serif";
      ctx.fillText("principal component 1 →", 10, height - 10);
      ctx.save();
      ctx.translate(16, height - 40);
      ctx.rotate(-Math.PI / 2);
      ctx.fillText("principal component 2 →", 0, 0);
      ctx.restore();
      return background;
    }

    toScreen([u, v]) {
      const { width, height } = this.canvas;
      const across = (u - this.u0) / (this.u1 - this.u0);
      const up = (v - this.v0) / (this.v1 - this.v0);
      return [across * width, (1 - up) * height];
    }

    // The map point nearest to canvas position (x, y), within `radius` pixels, or -1.
    nearest(x, y, radius = 10) {
      let best = -1;
      let bestDistance = radius * radius;
      for (let i = 0; i < this.map.n; i++) {
        const d = (this.screen[2 * i] - x) ** 2 + (this.screen[2 * i + 1] - y) ** 2;
        if (d < bestDistance) {
          bestDistance = d;
          best = i;
        }
      }
      return best;
    }

    polyline(ctx, points, colour) {
      for (const [style, width] of [
        ["#fff", 6],
        [colour, 3],
      ]) {
        ctx.strokeStyle = style;
        ctx.lineWidth = width;
        ctx.beginPath();
        points.forEach((p, k) => {
          const [x, y] = this.toScreen(p);
          if (k === 0) ctx.moveTo(x, y);
          else ctx.lineTo(x, y);
        });
        ctx.stroke();
      }
    }

    marker(ctx, point, colour, label) {
      const [x, y] = this.toScreen(point);
      ctx.fillStyle = colour;
      ctx.strokeStyle = "#fff";
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.arc(x, y, label ? 11 : 7, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
      if (label) {
        ctx.fillStyle = "#fff";
        ctx.font = "bold 13px system-ui, sans-serif";
        ctx.textAlign = "center";
        ctx.textBaseline = "middle";
        ctx.fillText(label, x, y + 0.5);
        ctx.textAlign = "start";
        ctx.textBaseline = "alphabetic";
      }
    }

    // A training digit on an Isomap path: a small ring in the path's colour.
    ring(ctx, point, colour) {
      const [x, y] = this.toScreen(point);
      ctx.fillStyle = "#fff";
      ctx.strokeStyle = colour;
      ctx.lineWidth = 2.5;
      ctx.beginPath();
      ctx.arc(x, y, 5, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    }

    draw(curves, frames, drawn, stops) {
      const ctx = this.canvas.getContext("2d");
      ctx.drawImage(this.background, 0, 0);
      const shown = PATHS.filter((path) => curves[path]);
      for (const path of shown) this.polyline(ctx, curves[path].xy, this.colours[path]);
      for (const point of stops) this.ring(ctx, point, this.colours.latent);
      for (const path of shown) this.marker(ctx, frames[path].xy, this.colours[path], "");
      this.marker(ctx, curves.ends[0], "#111", "A");
      this.marker(ctx, curves.ends[1], "#111", "B");
      if (drawn) this.marker(ctx, drawn.xy, "#111", "✎");
    }
  }

  // ---------------------------------------------------------------- the page's state

  // How the line under a frame writes each measure it shows (the verdict above it shows the
  // confidence); a measure not listed here is written with its label.
  const PHRASES = {
    entropy: (value) => `entropy ${value}`,
    endpoint_mass: (value, classes) => `${value} on ${classes}`,
    reconstruction_error: (value) => `recon. error ${value}`,
  };

  class LabPage {
    constructor({ data, nets, paletteX, map, graph }) {
      this.nets = nets;
      this.measures = data.measures;
      this.methods = data.methods;
      this.graph = graph;
      this.colours = { digits: data.colours.digits, pixel: data.methods.pixel.colour, latent: null };
      document.documentElement.style.setProperty("--pixel", this.colours.pixel);
      this.palette = data.palette.y.map((label, k) =>
        testDigit(nets, paletteX, k * N_PIXELS, label, data.palette.index[k], `palette:${k}`)
      );
      this.state = {
        endpoints: { a: this.palette[data.pair[0]], b: this.palette[data.pair[1]] },
        active: "a",
        t: Number($("t").value),
        pathKind: data.methods.latent[0].name,
        route: null,
        curves: null,
        frames: null,
        drawn: null,
      };
      this.charts = this.measures.map((m) => new Chart($("charts"), m, this.colours, nets));
      this.map = new LatentMap($("map"), map, this.colours);
      this.thumbs = this.layPalette();
      this.layMethods();
      $("provenance").textContent = data.provenance;
      $("legend").innerHTML = this.colours.digits
        .map((c, d) => `<span><i style="background:${c}"></i>${d}</span>`)
        .join("");
    }

    // One thumbnail per palette digit, one column per class; a click fills the active slot.
    layPalette() {
      const thumbs = this.palette.map((endpoint) => {
        const canvas = element("canvas");
        canvas.width = SIDE;
        canvas.height = SIDE;
        canvas.setAttribute("role", "listitem");
        canvas.title = endpoint.name;
        canvas.dataset.key = endpoint.key;
        paintDigit(canvas, endpoint.x);
        canvas.addEventListener("click", () => this.choose(this.state.active, endpoint, true));
        return canvas;
      });
      const byDigit = Array.from({ length: 10 }, () => []);
      thumbs.forEach((c, k) => byDigit[this.palette[k].label].push(c));
      const rows = Math.max(...byDigit.map((column) => column.length));
      for (let r = 0; r < rows; r++) {
        for (let d = 0; d < 10; d++) $("palette").append(byDigit[d][r] ?? element("span"));
      }
      return thumbs;
    }

    // The latent path selector, one labelled radio per latent method of the payload (arrow
    // keys move between them), and the line that says which methods are not here and why.
    layMethods() {
      const chooser = $("path-kind");
      for (const method of this.methods.latent) {
        const radio = element("input");
        Object.assign(radio, { type: "radio", name: "path", value: method.name });
        radio.checked = method.name === this.state.pathKind;
        const swatch = element("i", "swatch");
        swatch.style.background = method.colour;
        const label = element("label");
        label.append(radio, swatch, ` ${method.label}`);
        chooser.append(label);
      }
      // by the names --methods takes (each label in its tooltip), so the line fits on one line
      $("not-offered").replaceChildren("Not here: ");
      this.methods.not_offered.forEach((m, k) => {
        const name = element("abbr", "", m.name);
        name.title = m.label;
        $("not-offered").append(k ? ", " : "", name, ` (${m.reason})`);
      });
      $("not-offered").append(": ", element("code"));
    }

    // The latent method being shown: its name, label and colour.
    latentMethod() {
      return this.methods.latent.find((m) => m.name === this.state.pathKind);
    }

    // -------------------------------------------------------------- what a user changes

    choose(slot, endpoint, advance) {
      this.state.endpoints[slot] = endpoint;
      if (advance) this.state.active = slot === "a" ? "b" : "a";
      this.newPath();
    }

    setPair(a, b) {
      this.state.endpoints = { a, b };
      this.state.active = "a";
      this.newPath();
    }

    swap() {
      const { a, b } = this.state.endpoints;
      this.setPair(b, a);
    }

    setActive(slot) {
      this.state.active = slot;
      this.showPair();
    }

    setT(t) {
      this.state.t = clamp01(t);
      this.render();
    }

    setPathKind(pathKind) {
      this.state.pathKind = pathKind;
      this.newPath();
    }

    // A drawn digit (784 values in [0, 1]) or null when the pad is cleared.
    setDrawn(x) {
      let drawn = null;
      if (x) {
        drawn = makeEndpoint(this.nets, x, { name: "", key: `drawn:${Date.now()}` });
        drawn.name = `your drawing (looks like ${drawn.label})`;
        drawn.xy = this.nets.project(drawn.z);
      }
      this.state.drawn = drawn;
      this.showDrawn();
      if (this.state.curves) this.render();
    }

    useDrawn(slot) {
      const { drawn } = this.state;
      if (drawn) this.choose(slot, { ...drawn, key: `${drawn.key}:${slot}` }, false);
    }

    // -------------------------------------------------------------- what is shown

    // A new pair or path kind: the Isomap route (if chosen), the curves behind the charts and
    // the map, then everything at t.
    newPath() {
      const { endpoints, pathKind } = this.state;
      this.state.route = null;
      if (pathKind === "isomap") {
        const begin = performance.now();
        this.state.route = isomapRoute(this.graph, this.nets, endpoints.a, endpoints.b);
        lab.routeTimings.push(performance.now() - begin);
      }
      this.state.zAt = latentPath(pathKind, endpoints, this.state.route);
      this.colours.latent = this.latentMethod().colour;
      document.documentElement.style.setProperty("--latent", this.colours.latent);
      this.state.curves = computeCurves(this.nets, this.measures, endpoints, this.state.zAt);
      for (const chart of this.charts) chart.setCurves(this.state.curves);
      this.showPair();
      this.showMethod();
      this.render();
    }

    // Everything that depends on t: the frames, their verdicts, the charts' cursors, the map.
    render() {
      const { endpoints, t, zAt } = this.state;
      this.state.frames = framesAt(this.nets, this.measures, endpoints, t, zAt);
      this.showT();
      this.showFrames();
      this.showVerdicts();
      this.showCharts();
      this.showMap();
    }

    showPair() {
      const { endpoints, active } = this.state;
      for (const slot of SLOTS) {
        paintDigit($(`slot-${slot}`).querySelector("canvas"), endpoints[slot].x);
        $(`what-${slot}`).textContent = endpoints[slot].name;
        $(`slot-${slot}`).classList.toggle("active", active === slot);
        $(`slot-${slot}`).setAttribute("aria-pressed", String(active === slot));
      }
      for (const thumb of this.thumbs) {
        thumb.classList.toggle("is-a", thumb.dataset.key === endpoints.a.key);
        thumb.classList.toggle("is-b", thumb.dataset.key === endpoints.b.key);
      }
    }

    // The latent method's name over its frame and, for the Isomap path, the training digits it
    // passes through; the command that draws the methods this page does not offer.
    showMethod() {
      const { route, endpoints } = this.state;
      $("latent-label").textContent = this.latentMethod().label;
      $("route").hidden = !route?.chain;
      const digits = $("route-digits");
      digits.replaceChildren();
      if (route?.chain) {
        const { n, k } = this.graph;
        const count = route.chain.length;
        $("route-text").textContent =
          `A → ${count} training digit${count === 1 ? "" : "s"} → B, the shortest path through ` +
          `the neighbour graph of ${n.toLocaleString("en")} training digits (k = ${k}):`;
        for (const i of route.chain) {
          const canvas = element("canvas");
          canvas.width = SIDE;
          canvas.height = SIDE;
          canvas.title = `training digit ${this.graph.y[i]} (#${this.graph.index[i]})`;
          paintDigit(canvas, this.graph.image(i));
          digits.append(canvas);
        }
      }
      const [a, b] = [endpoints.a.label, endpoints.b.label];
      const methods = this.methods.not_offered.map((m) => m.name).join(",");
      $("not-offered").querySelector("code").textContent =
        `manifoldviz interpolate ${a} ${b} --methods ${methods}`;
    }

    showT() {
      $("t").value = String(this.state.t);
      $("t-value").textContent = `t = ${this.state.t.toFixed(2)}`;
    }

    showFrames() {
      for (const path of PATHS) {
        const frame = this.state.frames[path];
        paintDigit($(`frame-${path}`).querySelector("canvas"), frame ? frame.x : new Float64Array(N_PIXELS));
      }
    }

    showVerdicts() {
      const { a, b } = this.state.endpoints;
      const classes = a.label === b.label ? `${a.label}` : `${a.label} or ${b.label}`;
      for (const path of PATHS) {
        const frame = this.state.frames[path];
        if (!frame) {
          $(`verdict-${path}`).textContent = "no Isomap path";
          $(`detail-${path}`).textContent = this.state.route.error;
          continue;
        }
        const confidence = percent(SCORES.confidence(frame));
        $(`verdict-${path}`).textContent = `looks like ${frame.predicted} (${confidence})`;
        $(`detail-${path}`).textContent = this.measures
          .filter((m) => m.name !== "confidence")
          .map((m) => {
            const value = written(m, frame.scores[m.name]);
            return PHRASES[m.name]?.(value, classes) ?? `${m.label} ${value}`;
          })
          .join(" · ");
      }
    }

    showCharts() {
      for (const chart of this.charts) chart.draw(this.state.t, this.state.frames);
    }

    showMap() {
      const { curves, frames, drawn, route } = this.state;
      const stops = route?.chain ? route.nodes.slice(1, -1).map(this.nets.project) : [];
      this.map.draw(curves, frames, drawn, stops);
    }

    showDrawn() {
      const { drawn } = this.state;
      paintDigit($("drawn"), drawn ? drawn.x : new Float64Array(N_PIXELS));
      $("drawn-verdict").textContent = drawn
        ? `looks like ${drawn.label} (${percent(SCORES.confidence(drawn))})`
        : "nothing drawn yet";
      for (const slot of SLOTS) $(`use-${slot}`).disabled = !drawn;
    }
  }

  // ---------------------------------------------------------------- controls

  // Runs a repaint for an input event and records how long it took, from the event to the end
  // of the work and to the next frame shown (benchmarks/bench_explore.py reads lab.timings).
  function timedRepaint(event, repaint) {
    const begin = performance.now();
    repaint();
    const end = performance.now();
    const timing = { sinceEvent: end - event.timeStamp, work: end - begin, toFrame: null };
    lab.timings.push(timing);
    requestAnimationFrame(() => {
      timing.toFrame = performance.now() - event.timeStamp;
    });
  }

  // Play sweeps t back and forth, PLAY_SECONDS per sweep, until paused.
  class Player {
    constructor(page, button) {
      this.page = page;
      this.button = button;
      this.playing = false;
      this.direction = 1;
      this.last = null;
      this.tick = this.tick.bind(this);
      button.addEventListener("click", () => (this.playing ? this.stop() : this.start()));
    }

    start() {
      const { t } = this.page.state;
      this.playing = true;
      this.last = null;
      if (t >= 1) this.direction = -1;
      if (t <= 0) this.direction = 1;
      this.show();
      requestAnimationFrame(this.tick);
    }

    stop() {
      this.playing = false;
      this.show();
    }

    show() {
      this.button.textContent = this.playing ? "❚❚ pause" : "▶ play";
      this.button.setAttribute("aria-pressed", String(this.playing));
    }

    tick(now) {
      if (!this.playing) return;
      if (this.last !== null) {
        let t = this.page.state.t + (this.direction * (now - this.last)) / (1000 * PLAY_SECONDS);
        if (t >= 1 || t <= 0) {
          this.direction = -this.direction;
          t = clamp01(t);
        }
        this.page.setT(t);
      }
      this.last = now;
      requestAnimationFrame(this.tick);
    }
  }

  function wireT(page, player) {
    const slider = $("t");
    slider.addEventListener("input", (event) => {
      player.stop();
      timedRepaint(event, () => page.setT(Number(slider.value)));
    });
    document.addEventListener("keydown", (event) => {
      // Inputs keep their own keys (the slider moves itself; radios and text fields are theirs).
      if (event.target instanceof HTMLInputElement) return;
      const step = { ArrowLeft: -0.01, ArrowDown: -0.01, ArrowRight: 0.01, ArrowUp: 0.01 }[event.key];
      if (step === undefined) return;
      event.preventDefault();
      player.stop();
      timedRepaint(event, () => page.setT(Math.round((page.state.t + step) * 100) / 100));
    });
  }

  function wirePathKind(page) {
    for (const radio of document.querySelectorAll('input[name="path"]')) {
      radio.addEventListener("change", () => page.setPathKind(radio.value));
    }
  }

  function wirePair(page) {
    for (const slot of SLOTS) $(`slot-${slot}`).addEventListener("click", () => page.setActive(slot));
    $("swap").addEventListener("click", () => page.swap());
    $("pair-input").addEventListener("input", (event) => {
      const text = event.target.value.trim();
      const found = /^(\d)\D*(\d)$/.exec(text);
      if (!found) {
        $("pair-hint").textContent = text.length >= 2 ? "type two digits 0-9, like 3 8" : "";
        return;
      }
      const [a, b] = [Number(found[1]), Number(found[2])];
      const first = page.palette.find((e) => e.label === a);
      const second = page.palette.find((e) => e.label === b && e !== first);
      if (!first || !second) {
        $("pair-hint").textContent = `not enough test digits of ${a === b ? a : "that class"} here`;
        return;
      }
      $("pair-hint").textContent = "";
      page.setPair(first, second);
    });
  }

  // The map: hovering a point shows its digit, a click puts it in the active slot.
  function wireMap(page, map) {
    const canvas = page.map.canvas;
    const tooltip = $("tooltip");
    const pointAt = (event) => {
      const rect = canvas.getBoundingClientRect();
      const scale = canvas.width / rect.width;
      const x = (event.clientX - rect.left) * scale;
      const y = (event.clientY - rect.top) * scale;
      return { i: page.map.nearest(x, y, 10 * scale), scale };
    };
    canvas.addEventListener("mousemove", (event) => {
      const { i, scale } = pointAt(event);
      tooltip.hidden = i < 0;
      if (i < 0) return;
      const pixels = map.x.subarray(i * N_PIXELS, (i + 1) * N_PIXELS);
      paintDigit(tooltip.querySelector("canvas"), Float64Array.from(pixels, (v) => v / 255));
      const slot = page.state.active.toUpperCase();
      $("tooltip-text").textContent = `${map.y[i]} · test #${map.index[i]} · click: use as ${slot}`;
      tooltip.style.left = `${page.map.screen[2 * i] / scale + 12}px`;
      tooltip.style.top = `${page.map.screen[2 * i + 1] / scale + 12}px`;
    });
    canvas.addEventListener("mouseleave", () => {
      tooltip.hidden = true;
    });
    canvas.addEventListener("click", (event) => {
      const { i } = pointAt(event);
      if (i < 0) return;
      const digit = testDigit(page.nets, map.x, i * N_PIXELS, map.y[i], map.index[i], `map:${i}`);
      page.choose(page.state.active, digit, true);
    });
  }

  // The drawing pad: strokes in black on white, read as ink after each animation frame.
  class DrawingPad {
    constructor(canvas, onInk) {
      this.canvas = canvas;
      this.context = canvas.getContext("2d", { willReadFrequently: true });
      this.onInk = onInk;
      this.drawing = false;
      this.pending = false;
      canvas.addEventListener("pointerdown", (event) => this.down(event));
      canvas.addEventListener("pointermove", (event) => this.move(event));
      canvas.addEventListener("pointerup", () => this.finish());
      canvas.addEventListener("pointercancel", () => this.finish());
    }

    clear() {
      this.context.fillStyle = "#fff";
      this.context.fillRect(0, 0, this.canvas.width, this.canvas.height);
      this.onInk(null);
    }

    // The drawing as an MNIST digit, or nothing while the pad has no ink.
    read() {
      const { width, height } = this.canvas;
      const { data: rgba } = this.context.getImageData(0, 0, width, height);
      const ink = new Float64Array(width * height);
      for (let i = 0; i < ink.length; i++) ink[i] = 1 - rgba[4 * i] / 255;
      const x = mnistFromInk(ink, width, height);
      if (x) this.onInk(x);
    }

    pointOf(event) {
      const rect = this.canvas.getBoundingClientRect();
      return [
        ((event.clientX - rect.left) * this.canvas.width) / rect.width,
        ((event.clientY - rect.top) * this.canvas.height) / rect.height,
      ];
    }

    down(event) {
      event.preventDefault();
      this.drawing = true;
      this.canvas.setPointerCapture(event.pointerId);
      const [x, y] = this.pointOf(event);
      Object.assign(this.context, {
        strokeStyle: "#000",
        lineWidth: 22,
        lineCap: "round",
        lineJoin: "round",
      });
      this.context.beginPath();
      this.context.moveTo(x, y);
      this.context.lineTo(x + 0.01, y);
      this.context.stroke();
    }

    move(event) {
      if (!this.drawing) return;
      const [x, y] = this.pointOf(event);
      this.context.lineTo(x, y);
      this.context.stroke();
      if (this.pending) return;
      this.pending = true;
      requestAnimationFrame(() => {
        this.pending = false;
        this.read();
      });
    }

    finish() {
      if (!this.drawing) return;
      this.drawing = false;
      this.read();
    }
  }

  function wirePad(page) {
    const pad = new DrawingPad($("draw"), (x) => page.setDrawn(x));
    $("clear").addEventListener("click", () => pad.clear());
    for (const slot of SLOTS) $(`use-${slot}`).addEventListener("click", () => page.useDrawn(slot));
    return pad;
  }

  // ---------------------------------------------------------------- start

  async function load() {
    const data = JSON.parse($("lab-data").textContent);
    checkMeasures(data.measures);
    const nets = makeNets(
      await DenseNet.unpack(data.nets.encoder),
      await DenseNet.unpack(data.nets.decoder),
      await DenseNet.unpack(data.nets.classifier),
      makeProjection(data.map.mean, data.map.components.flat())
    );
    const paletteX = await unpackArray(data.palette.x);
    const map = {
      n: data.map.y.length,
      y: data.map.y,
      index: data.map.index,
      xy: await unpackArray(data.map.xy),
      x: await unpackArray(data.map.x),
    };
    const graph = await NeighbourGraph.unpack(data.graph);
    return { data, nets, paletteX, map, graph };
  }

  function start(loaded) {
    const page = new LabPage(loaded);
    const player = new Player(page, $("play"));
    wireT(page, player);
    wirePathKind(page);
    wirePair(page);
    wireMap(page, loaded.map);
    wirePad(page).clear();
    page.newPath();
    Object.assign(lab, {
      page,
      state: page.state,
      nets: page.nets,
      map: page.map,
      measures: page.measures,
      graph: page.graph,
      setT: (t) => page.setT(t),
    });
  }

  lab.ready = load()
    .then((loaded) => {
      start(loaded);
      $("status").textContent = "";
      lab.loadedAt = performance.now();
      lab.loaded = true;
    })
    .catch((error) => {
      $("status").textContent = `The page could not start: ${error}`;
      console.error(error);
      throw error;
    });
})();
