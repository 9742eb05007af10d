// The interpolation lab's page: choosing A and B, the latent path (straight, or through the
// Isomap graph), the slider, the two frames, the evidence curves, the latent map and the
// drawing pad. The maths is in nets.js (loaded first, as MV). The page's state lives in one
// LabPage whose methods each update one part of the page; the measures it shows (names, labels,
// units, whether they count as evidence) and the path methods (names, labels, colours, which
// are not offered and why) come from the payload. window.lab exposes the page and the models,
// so tests can read back what it shows.

"use strict";

(() => {
  const { SIDE, N_PIXELS, DenseNet, NeighbourGraph, unpackArray, latentPlane } = MV;
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
    hoverTimings: [], // per mouse move over the map: ms from the event, and of work, to show it
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

  function makeNets(encoder, decoder, classifier) {
    return {
      encoder,
      decoder,
      classifier,
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
  // measure shown (scores, by name, as Judges.score) and where it lands on the map's plane.
  function scoreFrame(nets, measures, { x, z, reconstruction }, classes, plane) {
    const p = nets.classify(x);
    const frame = { x, z, p, reconstruction, predicted: argmax(p), xy: plane.toPlane(z) };
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
  function framesAt(nets, measures, { a, b }, t, zAt, plane) {
    const classes = [a.label, b.label];
    const xPixel = lerp(a.x, b.x, t);
    const zPixel = nets.encode(xPixel);
    // decode(encode(x)): the pixel frame's code is at hand, the latent frame's is re-encoded
    const pixel = { x: xPixel, z: zPixel, reconstruction: nets.decode(zPixel) };
    const frames = { pixel: scoreFrame(nets, measures, pixel, classes, plane), latent: null };
    if (zAt) {
      const zLatent = zAt(t);
      const xLatent = nets.decode(zLatent);
      const latent = { x: xLatent, z: zLatent, reconstruction: nets.reconstruct(xLatent) };
      frames.latent = scoreFrame(nets, measures, latent, classes, plane);
    }
    return frames;
  }

  // Every measure along both paths at N_CURVE values of t, and the paths on the map (a path
  // with no frames has null curves).
  function computeCurves(nets, measures, endpoints, zAt, plane) {
    const t = Float64Array.from({ length: N_CURVE }, (_, k) => k / (N_CURVE - 1));
    const curves = { t, ends: [plane.toPlane(endpoints.a.z), plane.toPlane(endpoints.b.z)] };
    for (const path of PATHS) {
      const scores = Object.fromEntries(measures.map((m) => [m.name, new Float64Array(N_CURVE)]));
      curves[path] = { scores, xy: [] };
    }
    if (!zAt) curves.latent = null;
    t.forEach((tk, k) => {
      const frames = framesAt(nets, measures, endpoints, tk, zAt, plane);
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

  // The map is the latent space itself: a 2-D model's plane, or the plane through A's code,
  // B's code and the mean code. The test digits' codes are drawn where they project onto it,
  // any point of it decodes (the hover shows it), and the decoded grid can be painted under.
  const GRID_CELLS = 16; // decoded digits per side of the painted grid

  class LatentMap {
    constructor(canvas, colours) {
      this.canvas = canvas;
      this.colours = colours;
      this.showGrid = false;
      this.screen = new Float32Array(0);
    }

    // A new plane (a new pair or model): every code's place on it, the view, the background.
    setView({ codes, dim, y, plane, nets, include }) {
      this.plane = plane;
      this.nets = nets;
      this.y = y;
      const n = y.length;
      const uv = new Float64Array(2 * n);
      const z = new Float64Array(dim);
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < dim; k++) z[k] = codes[i * dim + k];
        const [u, v] = plane.toPlane(z);
        uv[2 * i] = u;
        uv[2 * i + 1] = v;
      }
      this.uv = uv;
      this.axes =
        dim === 2
          ? ["z₁ →", "z₂ →"]
          : ["towards A from the mean code →", "towards B, at right angles →"];
      this.fitView(include);
      this.screen = new Float32Array(2 * n);
      for (let i = 0; i < n; i++) {
        const [sx, sy] = this.toScreen([uv[2 * i], uv[2 * i + 1]]);
        this.screen[2 * i] = sx;
        this.screen[2 * i + 1] = sy;
      }
      this.background = this.drawBackground();
    }

    setGrid(on) {
      this.showGrid = on;
      if (this.plane) this.background = this.drawBackground();
    }

    // The codes' extent without their outer 1% on each axis (a few far codes would shrink the
    // rest to a corner), and every point that must show (A, B, the paths), padded by 6% on each
    // side, one scale for both axes so distances on the map are not stretched.
    fitView(include) {
      const n = this.uv.length / 2;
      const axis = (k) => Float64Array.from({ length: n }, (_, i) => this.uv[2 * i + k]).sort();
      const within = (sorted) => [sorted[Math.floor(0.01 * (n - 1))], sorted[Math.ceil(0.99 * (n - 1))]];
      const us = [...within(axis(0)), ...include.map((p) => p[0])];
      const vs = [...within(axis(1)), ...include.map((p) => p[1])];
      const [u0, u1] = [Math.min(...us), Math.max(...us)];
      const [v0, v1] = [Math.min(...vs), Math.max(...vs)];
      const padded = (lo, hi) => hi - lo + 0.12 * (hi - lo || 1);
      const half = Math.max(padded(u0, u1), padded(v0, v1)) / 2;
      const [uc, vc] = [(u0 + u1) / 2, (v0 + v1) / 2];
      [this.u0, this.u1, this.v0, this.v1] = [uc - half, uc + half, vc - half, vc + half];
    }

    // The decoded grid (the book's figure): GRID_CELLS × GRID_CELLS digits decoded at the
    // centres of the view's cells, drawn as ink on white.
    paintGrid(ctx) {
      const { width, height } = this.canvas;
      const cell = width / GRID_CELLS;
      const tile = element("canvas");
      tile.width = SIDE;
      tile.height = SIDE;
      ctx.imageSmoothingEnabled = true;
      for (let r = 0; r < GRID_CELLS; r++) {
        for (let c = 0; c < GRID_CELLS; c++) {
          const [u, v] = this.fromScreen((c + 0.5) * cell, (r + 0.5) * (height / GRID_CELLS));
          paintDigit(tile, this.nets.decode(this.plane.fromPlane(u, v)));
          ctx.drawImage(tile, c * cell, r * (height / GRID_CELLS), cell, height / GRID_CELLS);
        }
      }
    }

    drawBackground() {
      const { width, height } = this.canvas;
      const background = element("canvas");
      background.width = width;
      background.height = height;
      const ctx = background.getContext("2d");
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, width, height);
      if (this.showGrid) this.paintGrid(ctx);
      ctx.globalAlpha = this.showGrid ? 0.8 : 0.55;
      const n = this.y.length;
      for (let i = 0; i < n; i++) {
        ctx.fillStyle = this.colours.digits[this.y[i]];
        ctx.beginPath();
        ctx.arc(this.screen[2 * i], this.screen[2 * i + 1], this.showGrid ? 2 : 2.6, 0, 2 * Math.PI);
        ctx.fill();
      }
      ctx.globalAlpha = 1;
      ctx.font = "15px system-ui, sans-serif";
      const label = (text, x, y) => {
        ctx.lineWidth = 4;
        ctx.strokeStyle = "#fff";
        ctx.strokeText(text, x, y);
        ctx.fillStyle = "#333";
        ctx.fillText(text, x, y);
      };
      label(this.axes[0], 10, height - 10);
      ctx.save();
      ctx.translate(20, height - 40);
      ctx.rotate(-Math.PI / 2);
      label(this.axes[1], 0, 0);
      ctx.restore();
      return background;
    }

    toScreen([u, v]) {
      const { width, height } = this.canvas;
      const across = (u - this.u0) / (this.u1 - this.u0);
      const up = (v - this.v0) / (this.v1 - this.v0);
      return [across * width, (1 - up) * height];
    }

    // The plane point (u, v) under canvas position (x, y).
    fromScreen(x, y) {
      const { width, height } = this.canvas;
      return [
        this.u0 + (x / width) * (this.u1 - this.u0),
        this.v0 + (1 - y / height) * (this.v1 - this.v0),
      ];
    }

    // The map point nearest to canvas position (x, y), within `radius` pixels, or -1.
    nearest(x, y, radius = 10) {
      let best = -1;
      let bestDistance = radius * radius;
      const n = this.screen.length / 2;
      for (let i = 0; i < n; i++) {
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
      if (drawn) this.marker(ctx, this.plane.toPlane(drawn.z), "#111", "✎");
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
    constructor({ data, models, paletteX, map, graph }) {
      this.models = models;
      this.model = models[0];
      this.nets = this.model.nets;
      this.measures = this.model.measures;
      this.methods = data.methods;
      this.graph = graph;
      this.mapDigits = map;
      this.paletteX = paletteX;
      this.data = data;
      this.colours = { digits: data.colours.digits, pixel: data.methods.pixel.colour, latent: null };
      document.documentElement.style.setProperty("--pixel", this.colours.pixel);
      this.palette = this.paletteEndpoints();
      this.state = {
        endpoints: { a: this.palette[data.pair[0]], b: this.palette[data.pair[1]] },
        active: "a",
        t: Number($("t").value),
        pathKind: data.methods.latent[0].name,
        model: this.model.name,
        grid: false,
        route: null,
        curves: null,
        frames: null,
        drawn: null,
        plane: null,
      };
      this.charts = this.makeCharts();
      this.map = new LatentMap($("map"), this.colours);
      this.thumbs = this.layPalette();
      this.layMethods();
      this.layModels(data.not_in_page);
      $("provenance").textContent = data.provenance;
      $("legend").innerHTML = this.colours.digits
        .map((c, d) => `<span><i style="background:${c}"></i>${d}</span>`)
        .join("");
    }

    // The palette's test digits as endpoints under the model shown.
    paletteEndpoints() {
      const { y, index } = this.data.palette;
      return y.map((label, k) =>
        testDigit(this.nets, this.paletteX, k * N_PIXELS, label, index[k], `test:${index[k]}`)
      );
    }

    makeCharts() {
      $("charts").replaceChildren();
      return this.measures.map((m) => new Chart($("charts"), m, this.colours, this.nets));
    }

    // One button per palette digit, one column per class; a click fills the active slot.
    layPalette() {
      const thumbs = this.palette.map((endpoint, k) => {
        const button = element("button", "thumb");
        button.type = "button";
        button.setAttribute("aria-label", `use ${endpoint.name}`);
        button.title = endpoint.name;
        button.dataset.key = endpoint.key;
        const canvas = element("canvas");
        canvas.width = SIDE;
        canvas.height = SIDE;
        canvas.setAttribute("aria-hidden", "true");
        paintDigit(canvas, endpoint.x);
        button.append(canvas);
        button.addEventListener("click", () => this.choose(this.state.active, this.palette[k], true));
        return button;
      });
      const byDigit = Array.from({ length: 10 }, () => []);
      thumbs.forEach((c, k) => byDigit[this.palette[k].label].push(c));
      const rows = Math.max(...byDigit.map((column) => column.length));
      for (let r = 0; r < rows; r++) {
        for (let d = 0; d < 10; d++) {
          const item = element("div", "palette-item");
          item.setAttribute("role", "listitem");
          if (byDigit[d][r]) item.append(byDigit[d][r]);
          $("palette").append(item);
        }
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

    // The model selector, one labelled radio per model the page carries, and the models it
    // does not run, with the reason.
    layModels(notInPage) {
      const chooser = $("model-kind");
      chooser.hidden = this.models.length < 2;
      for (const model of this.models) {
        const radio = element("input");
        Object.assign(radio, { type: "radio", name: "model", value: model.name });
        radio.checked = model === this.model;
        const label = element("label");
        label.append(radio, ` ${model.label}`);
        chooser.append(label);
      }
      $("not-in-page").textContent = notInPage
        .map((m) => `Not in this page: the ${m.name} autoencoder (${m.reason}).`)
        .join(" ");
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
      this.record("t");
    }

    setT(t) {
      this.state.t = clamp01(t);
      this.render();
      this.record("t");
    }

    setPathKind(pathKind) {
      this.state.pathKind = pathKind;
      this.newPath();
    }

    // Another model: every endpoint keeps its image and is encoded again by the new encoder.
    setModel(name, redraw = true) {
      const model = this.models.find((m) => m.name === name);
      if (!model || model === this.model) return;
      this.model = model;
      this.nets = model.nets;
      this.measures = model.measures;
      this.state.model = model.name;
      this.palette = this.paletteEndpoints();
      const again = (e) => e && makeEndpoint(this.nets, e.x, { label: e.label, name: e.name, key: e.key });
      const { a, b } = this.state.endpoints;
      this.state.endpoints = { a: again(a), b: again(b) };
      this.state.drawn = again(this.state.drawn);
      this.charts = this.makeCharts();
      for (const radio of document.querySelectorAll('input[name="model"]')) {
        radio.checked = radio.value === model.name;
      }
      this.showDrawn();
      if (redraw) this.newPath();
    }

    setGrid(on) {
      this.state.grid = on;
      $("grid").checked = on;
      this.map.setGrid(on);
      this.showMap();
      this.record("step");
    }

    // The image a link's token names, with its label and name; an Error when the page does
    // not carry it or the token is damaged.
    imageOfToken(token) {
      if (/^t\d+$/.test(token)) {
        const index = Number(token.slice(1));
        const { palette, map } = this.data;
        const inPalette = palette.index.indexOf(index);
        if (inPalette >= 0) return { pixels: this.paletteX, offset: inPalette * N_PIXELS, label: palette.y[inPalette], index };
        const onMap = map.index.indexOf(index);
        if (onMap >= 0) return { pixels: this.mapDigits.x, offset: onMap * N_PIXELS, label: map.y[onMap], index };
        throw new Error(`this page does not carry test digit #${index}`);
      }
      if (/^x[A-Za-z0-9_-]+$/.test(token)) {
        let pixels;
        try {
          pixels = fromBase64Url(token.slice(1));
        } catch {
          pixels = null;
        }
        if (pixels && pixels.length === N_PIXELS) return { pixels, offset: 0, label: null, index: null };
      }
      throw new Error("one of its digits is damaged");
    }

    endpointOfImage({ pixels, offset, label, index }) {
      if (index !== null) return testDigit(this.nets, pixels, offset, label, index, `test:${index}`);
      const x = Float64Array.from(pixels.subarray(offset, offset + N_PIXELS), (v) => v / 255);
      const endpoint = makeEndpoint(this.nets, x, { name: "", key: `link:${Math.random()}` });
      endpoint.name = `a digit from the link (looks like ${endpoint.label})`;
      return endpoint;
    }

    // Show a view read from a link (readFragment), without recording it as a new step.
    applyView(view) {
      // a t update still waiting belongs to the view being left: it must not land on this one
      clearTimeout(this.pendingLink);
      this.pendingFragment = null;
      this.restoring = true;
      try {
        this.setModel(view.model, false);
        this.state.pathKind = view.method;
        for (const radio of document.querySelectorAll('input[name="path"]')) {
          radio.checked = radio.value === view.method;
        }
        this.state.endpoints = { a: this.endpointOfImage(view.images.a), b: this.endpointOfImage(view.images.b) };
        this.state.active = view.slot;
        this.state.t = view.t;
        this.state.grid = view.grid;
        $("grid").checked = view.grid;
        this.map.setGrid(view.grid);
        this.newPath();
      } finally {
        this.restoring = false;
      }
    }

    // The view into the link: a pick is a new step (back returns to the one before), t only
    // updates the current step, a moment after it stops moving.
    record(kind) {
      if (this.restoring || !this.linked) return;
      clearTimeout(this.pendingLink);
      if (kind === "step") {
        // the step being left keeps the t it was last shown at
        if (this.pendingFragment) keepInLink(this, "replaceState", this.pendingFragment);
        this.pendingFragment = null;
        const fragment = viewFragment(this);
        if (fragment !== location.hash) keepInLink(this, "pushState", fragment);
        return;
      }
      this.pendingFragment = viewFragment(this);
      this.pendingLink = setTimeout(() => {
        keepInLink(this, "replaceState", this.pendingFragment);
        this.pendingFragment = null;
      }, 250);
    }

    // A point of the map's plane as an endpoint: its decoded image.
    decodedPoint(u, v) {
      const x = this.nets.decode(this.state.plane.fromPlane(u, v)).map(clamp01);
      const endpoint = makeEndpoint(this.nets, x, { name: "", key: `decoded:${u},${v}` });
      endpoint.name = `a decoded point of the map (looks like ${endpoint.label})`;
      return endpoint;
    }

    // A drawn digit (784 values in [0, 1]) or null when the pad is cleared.
    setDrawn(x) {
      let drawn = null;
      if (x) {
        drawn = makeEndpoint(this.nets, x, { name: "", key: `drawn:${Date.now()}` });
        drawn.name = `your drawing (looks like ${drawn.label})`;
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
      const { nets, measures, model } = this;
      const plane = latentPlane(endpoints.a.z, endpoints.b.z, model.mean);
      this.state.plane = plane;
      const { zAt } = this.state;
      this.state.curves = computeCurves(nets, measures, endpoints, zAt, plane);
      const { curves } = this.state;
      const include = [...curves.ends, ...PATHS.flatMap((path) => curves[path]?.xy ?? [])];
      const { codes, dim } = model;
      this.map.setView({ codes, dim, y: this.mapDigits.y, plane, nets, include });
      for (const chart of this.charts) chart.setCurves(this.state.curves);
      this.showPair();
      this.showMethod();
      this.render();
      this.record("step");
    }

    // Everything that depends on t: the frames, their verdicts, the charts' cursors, the map.
    render() {
      const { endpoints, t, zAt } = this.state;
      this.state.frames = framesAt(this.nets, this.measures, endpoints, t, zAt, this.state.plane);
      this.showT();
      this.showFrames();
      this.showVerdicts();
      this.showCharts();
      this.showMap();
      this.announce();
    }

    // What a screen reader hears (the live region), a moment after t stops moving: the pair, t
    // and what the classifier reads in each frame.
    reading() {
      const { endpoints, t, frames } = this.state;
      const parts = [`${endpoints.a.label} to ${endpoints.b.label}, t = ${t.toFixed(2)}`];
      for (const path of PATHS) {
        const frame = frames[path];
        const name = path === "pixel" ? "pixel path" : this.latentMethod().label;
        parts.push(
          frame
            ? `${name}: looks like ${frame.predicted} (${percent(SCORES.confidence(frame))})`
            : `${name}: no path`
        );
      }
      return `${parts.join(". ")}.`;
    }

    announce() {
      clearTimeout(this.pendingAnnounce);
      this.pendingAnnounce = setTimeout(() => {
        $("announce").textContent = this.reading();
      }, 400);
    }

    // Presenter mode: the two frames and the map fill the screen at lecture size.
    setPresenter(on) {
      this.presenting = on;
      document.body.classList.toggle("presenter", on);
      $("present").setAttribute("aria-pressed", String(on));
      $("present").textContent = on ? "leave presenter mode (Esc)" : "presenter mode (P)";
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
        $(`frame-${path}`)
          .querySelector("canvas")
          .setAttribute("aria-label", `the ${path} frame at t = ${this.state.t.toFixed(2)}: it looks like ${frame.predicted}`);
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
      const { plane } = this.state;
      const stops = route?.chain ? route.nodes.slice(1, -1).map((z) => plane.toPlane(z)) : [];
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

  // ---------------------------------------------------------------- the view in the link

  // The view lives in the URL's fragment (never sent anywhere, not even to a server: the page
  // is a file): the model, A and B (a test digit by its test-set index, or any other image as
  // its 784 grey levels in base64url), t, the latent method, the slot being filled and the
  // grid. Each pick is a step the browser's back button returns to; moving t only updates the
  // current step.
  const LINK_VERSION = "1";

  function toBase64Url(bytes) {
    let binary = "";
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  }

  function fromBase64Url(text) {
    const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  }

  function endpointToken(endpoint) {
    if (endpoint.key.startsWith("test:")) return `t${endpoint.key.slice(5)}`;
    return `x${toBase64Url(Uint8Array.from(endpoint.x, (v) => Math.round(255 * clamp01(v))))}`;
  }

  // The view into the browser's history. Inside a frame (inline in a notebook) the page has no
  // address bar of its own, and its steps would only crowd the notebook's back button: there,
  // and wherever the history refuses, the link is not kept.
  function keepInLink(page, how, fragment) {
    try {
      history[how](null, "", fragment);
    } catch {
      page.linked = false;
    }
  }

  function framed() {
    try {
      return window.top !== window;
    } catch {
      return true;
    }
  }

  function viewFragment(page) {
    const { endpoints, t, pathKind, active, grid } = page.state;
    const view = new URLSearchParams({
      v: LINK_VERSION,
      model: page.model.name,
      a: endpointToken(endpoints.a),
      b: endpointToken(endpoints.b),
      t: t.toFixed(2),
      method: pathKind,
      slot: active,
      grid: grid ? "1" : "0",
    });
    return `#${view.toString()}`;
  }

  // The view a fragment names, checked against what this page carries; an Error saying what
  // is wrong otherwise.
  function readFragment(page, hash) {
    const view = new URLSearchParams(hash.replace(/^#/, ""));
    if (view.get("v") !== LINK_VERSION) throw new Error("it was not made by this version of the page");
    const model = page.models.find((m) => m.name === view.get("model"));
    if (!model) throw new Error(`this page does not carry the model ${view.get("model")}`);
    const method = page.methods.latent.find((m) => m.name === view.get("method"));
    if (!method) throw new Error(`this page does not offer the method ${view.get("method")}`);
    const t = Number(view.get("t"));
    if (!(t >= 0 && t <= 1)) throw new Error("its t is not between 0 and 1");
    const slot = view.get("slot") ?? "a";
    if (!SLOTS.includes(slot)) throw new Error(`its slot ${slot} is neither a nor b`);
    const images = { a: page.imageOfToken(view.get("a") ?? ""), b: page.imageOfToken(view.get("b") ?? "") };
    return { model: model.name, images, t, method: method.name, slot, grid: view.get("grid") === "1" };
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
  }

  // The keyboard, for a lecture: arrows move t, space plays, A and B pick the slot to fill,
  // 1-9 switch the latent method, P enters presenter mode and Escape leaves it. Text fields,
  // the slider and the radios keep their own keys.
  function wireKeys(page, player) {
    const methods = page.methods.latent;
    document.addEventListener("keydown", (event) => {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key === "Escape" && page.presenting) {
        event.preventDefault();
        page.setPresenter(false);
        return;
      }
      const key = event.key.toLowerCase();
      const step = { arrowleft: -0.01, arrowdown: -0.01, arrowright: 0.01, arrowup: 0.01 }[key];
      // A field keeps the keys it uses: a text field all of them, the slider and the radios
      // their arrows, a checkbox or a radio its space; the other shortcuts still work there.
      const target = event.target;
      if (target instanceof HTMLInputElement) {
        if (target.type === "text") return;
        if (step !== undefined) return;
        if (key === " " && (target.type === "checkbox" || target.type === "radio")) return;
      }
      if (step !== undefined) {
        event.preventDefault();
        player.stop();
        timedRepaint(event, () => page.setT(Math.round((page.state.t + step) * 100) / 100));
      } else if (key === " " && !(event.target instanceof HTMLButtonElement)) {
        event.preventDefault();
        if (player.playing) player.stop();
        else player.start();
      } else if (key === "a" || key === "b") {
        page.setActive(key);
      } else if (/^[1-9]$/.test(key) && Number(key) <= methods.length) {
        const method = methods[Number(key) - 1].name;
        for (const radio of document.querySelectorAll('input[name="path"]')) {
          radio.checked = radio.value === method;
        }
        page.setPathKind(method);
      } else if (key === "p") {
        page.setPresenter(!page.presenting);
      }
    });
    $("present").addEventListener("click", () => page.setPresenter(!page.presenting));
  }

  function wirePathKind(page) {
    for (const radio of document.querySelectorAll('input[name="path"]')) {
      radio.addEventListener("change", () => page.setPathKind(radio.value));
    }
    for (const radio of document.querySelectorAll('input[name="model"]')) {
      radio.addEventListener("change", () => page.setModel(radio.value));
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

  // The map: hovering anywhere decodes that point of the plane (the digit under the cursor and
  // the classifier's reading beside it); near a test digit's dot it shows that test digit. A
  // click puts what the tooltip shows in the active slot.
  function wireMap(page, map) {
    const canvas = page.map.canvas;
    const tooltip = $("tooltip");
    const under = (event) => {
      const rect = canvas.getBoundingClientRect();
      const scale = canvas.width / rect.width;
      const x = (event.clientX - rect.left) * scale;
      const y = (event.clientY - rect.top) * scale;
      return { x, y, scale, i: page.map.nearest(x, y, 5 * scale) };
    };
    const shown = ({ x, y, i }) => {
      if (i >= 0) return testDigit(page.nets, map.x, i * N_PIXELS, map.y[i], map.index[i], `test:${map.index[i]}`);
      const [u, v] = page.map.fromScreen(x, y);
      return page.decodedPoint(u, v);
    };
    canvas.addEventListener("mousemove", (event) => {
      const begin = performance.now();
      const point = under(event);
      const endpoint = shown(point);
      paintDigit(tooltip.querySelector("canvas"), endpoint.x);
      const slot = page.state.active.toUpperCase();
      const reading = `looks like ${endpoint.label} (${percent(SCORES.confidence(endpoint))})`;
      const what = point.i >= 0 ? `test digit ${map.y[point.i]} (#${map.index[point.i]})` : "decoded here";
      $("tooltip-text").textContent = `${what} · ${reading} · click: use as ${slot}`;
      tooltip.style.left = `${point.x / point.scale + 14}px`;
      tooltip.style.top = `${point.y / point.scale + 14}px`;
      tooltip.hidden = false;
      const end = performance.now();
      lab.hoverTimings.push({ sinceEvent: end - event.timeStamp, work: end - begin });
    });
    canvas.addEventListener("mouseleave", () => {
      tooltip.hidden = true;
    });
    canvas.addEventListener("click", (event) => {
      page.choose(page.state.active, shown(under(event)), true);
    });
    $("grid").addEventListener("change", (event) => page.setGrid(event.target.checked));
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
    const classifier = await DenseNet.unpack(data.classifier);
    const models = [];
    for (const model of data.models) {
      checkMeasures(model.measures);
      const nets = makeNets(
        await DenseNet.unpack(model.encoder),
        await DenseNet.unpack(model.decoder),
        classifier
      );
      models.push({
        name: model.name,
        label: model.label,
        dim: model.latent_dim,
        nets,
        measures: model.measures,
        mean: Float64Array.from(model.mean),
        codes: await unpackArray(model.map_z),
      });
    }
    const paletteX = await unpackArray(data.palette.x);
    const map = {
      n: data.map.y.length,
      y: data.map.y,
      index: data.map.index,
      x: await unpackArray(data.map.x),
    };
    const graph = await NeighbourGraph.unpack(data.graph);
    return { data, models, paletteX, map, graph };
  }

  // Open the view the link names, or the default view with a line saying why not.
  function openLink(page) {
    if (!location.hash || location.hash === "#") return;
    try {
      page.applyView(readFragment(page, location.hash));
    } catch (error) {
      $("link-note").textContent = `This link's view could not be opened (${error.message}); showing the default view instead.`;
      $("link-note").hidden = false;
    }
  }

  function start(loaded) {
    const page = new LabPage(loaded);
    const player = new Player(page, $("play"));
    wireT(page, player);
    wireKeys(page, player);
    wirePathKind(page);
    wirePair(page);
    wireMap(page, loaded.map);
    wirePad(page).clear();
    page.restoring = true;
    page.newPath();
    page.restoring = false;
    openLink(page);
    page.linked = !framed();
    if (page.linked) keepInLink(page, "replaceState", viewFragment(page));
    window.addEventListener("popstate", () => {
      try {
        page.applyView(readFragment(page, location.hash));
        $("link-note").hidden = true;
      } catch (error) {
        $("link-note").textContent = `This view could not be opened (${error.message}).`;
        $("link-note").hidden = false;
      }
    });
    Object.assign(lab, { page, map: page.map, graph: page.graph, setT: (t) => page.setT(t), player });
    // what the page shows now (the model can change)
    for (const name of ["state", "nets", "measures", "model"]) {
      Object.defineProperty(lab, name, { get: () => page[name], configurable: true });
    }
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
