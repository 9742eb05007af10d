// The interpolation lab's page: choosing A and B, the slider, the two frames, the evidence
// curves, the latent map and the drawing pad. The maths is in nets.js (loaded first).
// window.lab exposes the state and the models, so tests can read back what the page shows.

"use strict";

const N_CURVE = 41; // frames per path behind the evidence curves
const PLAY_SECONDS = 3; // one sweep from t = 0 to t = 1
const PATHS = ["pixel", "latent"];

const $ = (id) => document.getElementById(id);

const lab = {
  loaded: false,
  state: null,
  nets: null,
  timings: [], // per slider or arrow-key event: milliseconds, see setT
};
window.lab = lab;

// ---------------------------------------------------------------- drawing helpers

function paintDigit(canvas, x) {
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(SIDE, SIDE);
  for (let i = 0; i < N_PIXELS; i++) {
    const v = 255 - Math.round(255 * Math.min(1, Math.max(0, x[i])));
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

// An endpoint: an image with its code, the classifier's view and the class it stands for.
function makeEndpoint(nets, x, info) {
  const p = nets.classify(x);
  return {
    x,
    z: nets.encode(x),
    p,
    label: info.label ?? argmax(p),
    name: info.name,
    key: info.key,
  };
}

// One frame of each path at t: the image, its probabilities, its code, its reconstruction
// error and where it lands on the map.
function framesAt(nets, a, b, t, pathKind) {
  const xPixel = lerp(a.x, b.x, t);
  const zPixel = nets.encode(xPixel);
  const zLatent = LATENT_PATHS[pathKind](a.z, b.z, t);
  const xLatent = nets.decode(zLatent);
  const out = {};
  for (const [name, x, z] of [
    ["pixel", xPixel, zPixel],
    ["latent", xLatent, zLatent],
  ]) {
    const p = nets.classify(x);
    // decode(encode(x)); the pixel frame's code is at hand, the latent frame's is re-encoded
    const recon = name === "pixel" ? nets.decode(z) : nets.reconstruct(x);
    out[name] = {
      x,
      z,
      p,
      predicted: argmax(p),
      confidence: Math.max(...p),
      entropy: entropyBits(p),
      mass: endpointMass(p, a.label, b.label),
      recon: meanSquaredError(recon, x),
      xy: nets.project(z),
    };
  }
  return out;
}

function computeCurves(nets, a, b, pathKind) {
  const ts = [];
  const curves = {};
  for (const name of PATHS) curves[name] = { confidence: [], entropy: [], mass: [], recon: [], xy: [] };
  for (let k = 0; k < N_CURVE; k++) {
    const t = k / (N_CURVE - 1);
    ts.push(t);
    const frames = framesAt(nets, a, b, t, pathKind);
    for (const name of PATHS) {
      for (const key of ["confidence", "entropy", "mass", "recon", "xy"]) {
        curves[name][key].push(frames[name][key]);
      }
    }
  }
  return { ts, ...curves };
}

// ---------------------------------------------------------------- evidence charts

const MEASURES = [
  { key: "confidence", title: "Classifier confidence", yMax: () => 1, format: percent },
  {
    key: "entropy",
    title: "Classifier entropy (bits)",
    yMax: () => Math.log2(10),
    format: (v) => v.toFixed(2),
    note: "0: sure; 3.32: no idea",
  },
  {
    key: "mass",
    title: "Probability on A's and B's classes",
    yMax: () => 1,
    format: percent,
    note: "a good morph may hesitate between A and B, not look like a third digit",
  },
  {
    key: "recon",
    title: "Reconstruction error (MSE)",
    yMax: (curves) => Math.max(1e-6, ...curves.pixel.recon, ...curves.latent.recon) * 1.1,
    format: (v) => v.toFixed(4),
    note: "the autoencoder's own error: favours the latent path by construction",
  },
];

class Chart {
  constructor(parent, measure, colours) {
    this.measure = measure;
    this.colours = colours;
    const box = document.createElement("div");
    box.className = "chart";
    box.dataset.measure = measure.key;
    const title = document.createElement("h3");
    title.textContent = measure.title;
    this.canvas = document.createElement("canvas");
    this.canvas.width = 320;
    this.canvas.height = 190;
    box.append(title, this.canvas);
    if (measure.note) {
      const note = document.createElement("p");
      note.className = "note";
      note.textContent = measure.note;
      box.append(note);
    }
    parent.append(box);
    this.background = document.createElement("canvas");
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
    this.yMax = this.measure.yMax(curves);
    const ctx = this.background.getContext("2d");
    const { width, height } = this.background;
    ctx.clearRect(0, 0, width, height);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, width, height);
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
      ctx.fillText(this.measure.format(fraction * this.yMax), x0 - 5, y);
    }
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (const t of [0, 0.5, 1]) {
      const [x, y] = this.toScreen(t, 0);
      ctx.fillText(t === 0 ? "A" : t === 1 ? "B" : "t = 0.5", x, y + 6);
    }
    for (const name of PATHS) {
      ctx.strokeStyle = this.colours[name];
      ctx.lineWidth = 2.5;
      ctx.beginPath();
      curves[name][this.measure.key].forEach((v, k) => {
        const [x, y] = this.toScreen(curves.ts[k], v);
        if (k === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      });
      ctx.stroke();
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
    for (const name of PATHS) {
      const [, y] = this.toScreen(t, frames[name][this.measure.key]);
      ctx.fillStyle = this.colours[name];
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
    const xs = [];
    const ys = [];
    for (let i = 0; i < map.n; i++) {
      xs.push(map.xy[2 * i]);
      ys.push(map.xy[2 * i + 1]);
    }
    const pad = (lo, hi) => [lo - 0.06 * (hi - lo || 1), hi + 0.06 * (hi - lo || 1)];
    [this.u0, this.u1] = pad(Math.min(...xs), Math.max(...xs));
    [this.v0, this.v1] = pad(Math.min(...ys), Math.max(...ys));
    // One scale for both axes, so distances on the map are not stretched.
    const span = Math.max(this.u1 - this.u0, this.v1 - this.v0);
    const uc = (this.u0 + this.u1) / 2;
    const vc = (this.v0 + this.v1) / 2;
    [this.u0, this.u1, this.v0, this.v1] = [uc - span / 2, uc + span / 2, vc - span / 2, vc + span / 2];
    this.screen = new Float32Array(2 * map.n);
    for (let i = 0; i < map.n; i++) {
      const [sx, sy] = this.toScreen([map.xy[2 * i], map.xy[2 * i + 1]]);
      this.screen[2 * i] = sx;
      this.screen[2 * i + 1] = sy;
    }
    this.background = document.createElement("canvas");
    this.background.width = canvas.width;
    this.background.height = canvas.height;
    const ctx = this.background.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.globalAlpha = 0.55;
    for (let i = 0; i < map.n; i++) {
      ctx.fillStyle = colours.digits[map.y[i]];
      ctx.beginPath();
      ctx.arc(this.screen[2 * i], this.screen[2 * i + 1], 2.6, 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.globalAlpha = 1;
    ctx.fillStyle = "#555";
    ctx.font = "13px system-ui, sans-serif";
    ctx.fillText("principal component 1 →", 10, canvas.height - 10);
    ctx.save();
    ctx.translate(16, canvas.height - 40);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText("principal component 2 →", 0, 0);
    ctx.restore();
  }

  toScreen([u, v]) {
    const { width, height } = this.canvas;
    return [((u - this.u0) / (this.u1 - this.u0)) * width, (1 - (v - this.v0) / (this.v1 - this.v0)) * height];
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
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = 6;
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

  draw(state, frames) {
    const ctx = this.canvas.getContext("2d");
    ctx.drawImage(this.background, 0, 0);
    const curves = state.curves;
    this.polyline(ctx, curves.pixel.xy, this.colours.pixel);
    this.polyline(ctx, curves.latent.xy, this.colours.latent);
    this.marker(ctx, frames.pixel.xy, this.colours.pixel, "");
    this.marker(ctx, frames.latent.xy, this.colours.latent, "");
    this.marker(ctx, curves.latent.xy[0], "#111", "A");
    this.marker(ctx, curves.latent.xy[curves.latent.xy.length - 1], "#111", "B");
    if (state.drawn) this.marker(ctx, state.drawn.xy, "#CC79A7", "✎");
  }
}

// ---------------------------------------------------------------- the page

async function load() {
  const data = JSON.parse($("lab-data").textContent);
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
  return { data, nets, paletteX, map };
}

function testDigit(nets, pixels, offset, label, index, key) {
  const x = new Float64Array(N_PIXELS);
  for (let i = 0; i < N_PIXELS; i++) x[i] = pixels[offset + i] / 255;
  return makeEndpoint(nets, x, { label, name: `test digit ${label} (#${index})`, key });
}

function start({ data, nets, paletteX, map }) {
  const colours = { digits: data.colours.digits, pixel: data.colours.pixel, latent: data.colours.latent };
  const palette = data.palette.y.map((label, k) =>
    testDigit(nets, paletteX, k * N_PIXELS, label, data.palette.index[k], `palette:${k}`)
  );
  const charts = MEASURES.map((m) => new Chart($("charts"), m, colours));
  const latentMap = new LatentMap($("map"), map, colours);
  const state = {
    palette,
    endpoints: { a: palette[data.pair[0]], b: palette[data.pair[1]] },
    active: "a",
    t: Number($("t").value),
    pathKind: "linear",
    curves: null,
    frames: null,
    drawn: null,
    playing: false,
  };
  lab.state = state;
  lab.nets = nets;
  lab.map = latentMap;
  $("provenance").textContent = data.provenance;

  $("legend").innerHTML = colours.digits
    .map((c, d) => `<span><i style="background:${c}"></i>${d}</span>`)
    .join("");

  // palette
  const thumbs = palette.map((endpoint, k) => {
    const canvas = document.createElement("canvas");
    canvas.width = SIDE;
    canvas.height = SIDE;
    canvas.setAttribute("role", "listitem");
    canvas.title = endpoint.name;
    canvas.dataset.key = endpoint.key;
    paintDigit(canvas, endpoint.x);
    canvas.addEventListener("click", () => choose(state.active, palette[k], true));
    return canvas;
  });
  // Lay out one column per digit.
  const byDigit = Array.from({ length: 10 }, () => []);
  thumbs.forEach((c, k) => byDigit[palette[k].label].push(c));
  const rows = Math.max(...byDigit.map((col) => col.length));
  for (let r = 0; r < rows; r++) {
    for (let d = 0; d < 10; d++) {
      $("palette").append(byDigit[d][r] ?? document.createElement("span"));
    }
  }

  function showSlots() {
    for (const slot of ["a", "b"]) {
      const endpoint = state.endpoints[slot];
      paintDigit($(`slot-${slot}`).querySelector("canvas"), endpoint.x);
      $(`what-${slot}`).textContent = endpoint.name;
      $(`slot-${slot}`).classList.toggle("active", state.active === slot);
      $(`slot-${slot}`).setAttribute("aria-pressed", String(state.active === slot));
    }
    for (const thumb of thumbs) {
      thumb.classList.toggle("is-a", thumb.dataset.key === state.endpoints.a.key);
      thumb.classList.toggle("is-b", thumb.dataset.key === state.endpoints.b.key);
    }
  }

  function refresh() {
    state.curves = computeCurves(nets, state.endpoints.a, state.endpoints.b, state.pathKind);
    for (const chart of charts) chart.setCurves(state.curves);
    showSlots();
    render();
  }

  function render() {
    const frames = framesAt(nets, state.endpoints.a, state.endpoints.b, state.t, state.pathKind);
    state.frames = frames;
    const { a, b } = state.endpoints;
    const classes = a.label === b.label ? `${a.label}` : `${a.label} or ${b.label}`;
    for (const name of PATHS) {
      const f = frames[name];
      paintDigit($(`frame-${name}`).querySelector("canvas"), f.x);
      $(`verdict-${name}`).textContent = `looks like ${f.predicted} (${percent(f.confidence)})`;
      $(`detail-${name}`).textContent =
        `entropy ${f.entropy.toFixed(2)} bits · ${percent(f.mass)} on ${classes} · ` +
        `recon. error ${f.recon.toFixed(4)}`;
    }
    $("t-value").textContent = `t = ${state.t.toFixed(2)}`;
    for (const chart of charts) chart.draw(state.t, frames);
    latentMap.draw(state, frames);
  }

  function choose(slot, endpoint, advance) {
    state.endpoints[slot] = endpoint;
    if (advance) state.active = slot === "a" ? "b" : "a";
    refresh();
  }

  function setT(t, event) {
    const begin = performance.now();
    state.t = Math.min(1, Math.max(0, t));
    render();
    const end = performance.now();
    if (event) {
      // From the input event to the end of the repaint work, and to the next frame shown.
      const timing = { sinceEvent: end - event.timeStamp, work: end - begin, toFrame: null };
      lab.timings.push(timing);
      requestAnimationFrame(() => {
        timing.toFrame = performance.now() - event.timeStamp;
      });
    }
  }

  // slider, keys, play
  const slider = $("t");
  slider.addEventListener("input", (event) => {
    stopPlaying();
    setT(Number(slider.value), event);
  });
  document.addEventListener("keydown", (event) => {
    // Inputs keep their own keys (the slider moves itself; radios and text fields are theirs).
    if (event.target instanceof HTMLInputElement) return;
    const step = { ArrowLeft: -0.01, ArrowDown: -0.01, ArrowRight: 0.01, ArrowUp: 0.01 }[event.key];
    if (step === undefined) return;
    event.preventDefault();
    stopPlaying();
    slider.value = String(Math.min(1, Math.max(0, Math.round((state.t + step) * 100) / 100)));
    setT(Number(slider.value), event);
  });

  let direction = 1;
  let last = null;
  function tick(now) {
    if (!state.playing) return;
    if (last !== null) {
      let t = state.t + (direction * (now - last)) / (1000 * PLAY_SECONDS);
      if (t >= 1 || t <= 0) {
        direction = -direction;
        t = Math.min(1, Math.max(0, t));
      }
      slider.value = String(t);
      setT(t);
    }
    last = now;
    requestAnimationFrame(tick);
  }
  function stopPlaying() {
    state.playing = false;
    $("play").textContent = "▶ play";
    $("play").setAttribute("aria-pressed", "false");
  }
  $("play").addEventListener("click", () => {
    if (state.playing) return stopPlaying();
    state.playing = true;
    last = null;
    if (state.t >= 1) direction = -1;
    if (state.t <= 0) direction = 1;
    $("play").textContent = "❚❚ pause";
    $("play").setAttribute("aria-pressed", "true");
    requestAnimationFrame(tick);
  });

  document.querySelectorAll('input[name="path"]').forEach((radio) =>
    radio.addEventListener("change", () => {
      state.pathKind = radio.value;
      refresh();
    })
  );

  // choosing A and B
  for (const slot of ["a", "b"]) {
    $(`slot-${slot}`).addEventListener("click", () => {
      state.active = slot;
      showSlots();
    });
  }
  $("swap").addEventListener("click", () => {
    const { a, b } = state.endpoints;
    state.endpoints = { a: b, b: a };
    refresh();
  });
  $("pair-input").addEventListener("input", (event) => {
    const text = event.target.value.trim();
    const found = /^(\d)\D*(\d)$/.exec(text);
    if (!found) {
      $("pair-hint").textContent = text.length >= 2 ? "type two digits 0-9, like 3 8" : "";
      return;
    }
    $("pair-hint").textContent = "";
    const [a, b] = [Number(found[1]), Number(found[2])];
    const first = palette.find((e) => e.label === a);
    const second = palette.find((e) => e.label === b && e !== first);
    if (!first || !second) {
      $("pair-hint").textContent = `not enough test digits of ${a === b ? a : "that class"} here`;
      return;
    }
    state.endpoints = { a: first, b: second };
    state.active = "a";
    refresh();
  });

  // the map: hover shows the digit, a click uses it
  const tooltip = $("tooltip");
  function mapPoint(event) {
    const rect = latentMap.canvas.getBoundingClientRect();
    const scale = latentMap.canvas.width / rect.width;
    return [(event.clientX - rect.left) * scale, (event.clientY - rect.top) * scale, scale];
  }
  latentMap.canvas.addEventListener("mousemove", (event) => {
    const [x, y, scale] = mapPoint(event);
    const i = latentMap.nearest(x, y, 10 * scale);
    if (i < 0) {
      tooltip.hidden = true;
      return;
    }
    const pixels = map.x.subarray(i * N_PIXELS, (i + 1) * N_PIXELS);
    paintDigit(tooltip.querySelector("canvas"), Array.from(pixels, (v) => v / 255));
    $("tooltip-text").textContent = `${map.y[i]} · test #${map.index[i]} · click: use as ${state.active.toUpperCase()}`;
    tooltip.hidden = false;
    tooltip.style.left = `${latentMap.screen[2 * i] / scale + 12}px`;
    tooltip.style.top = `${latentMap.screen[2 * i + 1] / scale + 12}px`;
  });
  latentMap.canvas.addEventListener("mouseleave", () => {
    tooltip.hidden = true;
  });
  latentMap.canvas.addEventListener("click", (event) => {
    const [x, y, scale] = mapPoint(event);
    const i = latentMap.nearest(x, y, 10 * scale);
    if (i < 0) return;
    choose(state.active, testDigit(nets, map.x, i * N_PIXELS, map.y[i], map.index[i], `map:${i}`), true);
  });

  // the drawing pad
  const pad = $("draw");
  const padContext = pad.getContext("2d", { willReadFrequently: true });
  function clearPad() {
    padContext.fillStyle = "#fff";
    padContext.fillRect(0, 0, pad.width, pad.height);
    state.drawn = null;
    paintDigit($("drawn"), new Float64Array(N_PIXELS));
    $("drawn-verdict").textContent = "nothing drawn yet";
    $("use-a").disabled = true;
    $("use-b").disabled = true;
    if (state.curves) render();
  }
  function readDrawing() {
    const { data: rgba } = padContext.getImageData(0, 0, pad.width, pad.height);
    const ink = new Float64Array(pad.width * pad.height);
    for (let i = 0; i < ink.length; i++) ink[i] = 1 - rgba[4 * i] / 255;
    const x = mnistFromInk(ink, pad.width, pad.height);
    if (!x) return;
    const endpoint = makeEndpoint(nets, x, { name: "", key: `drawn:${Date.now()}` });
    endpoint.name = `your drawing (looks like ${endpoint.label})`;
    endpoint.xy = nets.project(endpoint.z);
    state.drawn = endpoint;
    paintDigit($("drawn"), x);
    $("drawn-verdict").textContent = `looks like ${endpoint.label} (${percent(Math.max(...endpoint.p))})`;
    $("use-a").disabled = false;
    $("use-b").disabled = false;
    render();
  }
  let drawing = false;
  let pending = false;
  function padPoint(event) {
    const rect = pad.getBoundingClientRect();
    return [((event.clientX - rect.left) * pad.width) / rect.width, ((event.clientY - rect.top) * pad.height) / rect.height];
  }
  pad.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    drawing = true;
    pad.setPointerCapture(event.pointerId);
    const [x, y] = padPoint(event);
    padContext.strokeStyle = "#000";
    padContext.lineWidth = 22;
    padContext.lineCap = "round";
    padContext.lineJoin = "round";
    padContext.beginPath();
    padContext.moveTo(x, y);
    padContext.lineTo(x + 0.01, y);
    padContext.stroke();
  });
  pad.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    const [x, y] = padPoint(event);
    padContext.lineTo(x, y);
    padContext.stroke();
    if (!pending) {
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        readDrawing();
      });
    }
  });
  const finish = () => {
    if (!drawing) return;
    drawing = false;
    readDrawing();
  };
  pad.addEventListener("pointerup", finish);
  pad.addEventListener("pointercancel", finish);
  $("clear").addEventListener("click", clearPad);
  for (const slot of ["a", "b"]) {
    $(`use-${slot}`).addEventListener("click", () => {
      if (state.drawn) choose(slot, { ...state.drawn, key: `${state.drawn.key}:${slot}` }, false);
    });
  }

  clearPad();
  refresh();
  lab.setT = (t) => {
    slider.value = String(t);
    setT(t);
  };
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
