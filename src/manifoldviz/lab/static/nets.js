// The page's maths, no DOM: unpacking the embedded arrays, the dense models, the two paths,
// the per-frame measures, the latent map's projection and MNIST-style scaling of a drawing.
// Names follow the Python side: x images (784 values in [0, 1]), z latent codes, decode,
// encode, classify. Numbers are kept in Float64Array so the page matches numpy's float32
// runtime to well under 1e-4. Everything lab.js uses is handed over in one namespace, MV (the
// page's only other global is window.lab).

"use strict";

const MV = (() => {
  const SIDE = 28;
  const N_PIXELS = SIDE * SIDE;

  // ---------------------------------------------------------------- embedded arrays

  function base64Bytes(text) {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  async function inflate(bytes) {
    // zlib streams from Python's zlib.compress; the browser inflates them natively.
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  // One packed array: {dtype: "float32" | "uint8", shape, data: base64 of zlib data}.
  // float32 arrays are stored as four byte planes (all first bytes, then all second bytes, ...),
  // which compresses better than interleaved floats; the planes are put back together here.
  async function unpackArray(packed) {
    const bytes = await inflate(base64Bytes(packed.data));
    if (packed.dtype === "uint8") return bytes;
    if (packed.dtype !== "float32") throw new Error(`unknown dtype ${packed.dtype}`);
    const n = bytes.length / 4;
    const joined = new Uint8Array(bytes.length);
    for (let plane = 0; plane < 4; plane++) {
      const offset = plane * n;
      for (let i = 0; i < n; i++) joined[4 * i + plane] = bytes[offset + i];
    }
    return new Float32Array(joined.buffer);
  }

  // ---------------------------------------------------------------- dense models

  const ACTIVATIONS = {
    linear: () => {},
    relu: (v) => {
      for (let i = 0; i < v.length; i++) if (v[i] < 0) v[i] = 0;
    },
    sigmoid: (v) => {
      for (let i = 0; i < v.length; i++) v[i] = 1 / (1 + Math.exp(-v[i]));
    },
    softmax: (v) => {
      let top = -Infinity;
      for (let i = 0; i < v.length; i++) if (v[i] > top) top = v[i];
      let total = 0;
      for (let i = 0; i < v.length; i++) {
        v[i] = Math.exp(v[i] - top);
        total += v[i];
      }
      for (let i = 0; i < v.length; i++) v[i] /= total;
    },
  };

  // A stack of dense layers, as manifoldviz.models.dense_runtime.DenseStack: x @ W + b, then the
  // activation. W is row-major (n_in, n_out), so each input walks one contiguous row; zero
  // inputs (most of an MNIST image) are skipped.
  class DenseNet {
    constructor(layers) {
      for (const layer of layers) {
        if (!(layer.activation in ACTIVATIONS)) throw new Error(`unknown activation ${layer.activation}`);
      }
      this.layers = layers;
      this.nIn = layers[0].nIn;
      this.nOut = layers[layers.length - 1].nOut;
    }

    static async unpack(packed) {
      const layers = [];
      for (let i = 0; i < packed.activations.length; i++) {
        const [nIn, nOut] = packed.weights[2 * i].shape;
        layers.push({
          W: await unpackArray(packed.weights[2 * i]),
          b: await unpackArray(packed.weights[2 * i + 1]),
          nIn,
          nOut,
          activation: packed.activations[i],
        });
      }
      return new DenseNet(layers);
    }

    // One input vector (any array-like of nIn numbers) to a Float64Array of nOut numbers.
    forward(x) {
      let input = x;
      for (const { W, b, nIn, nOut, activation } of this.layers) {
        const out = new Float64Array(nOut);
        for (let j = 0; j < nOut; j++) out[j] = b[j];
        for (let i = 0; i < nIn; i++) {
          const xi = input[i];
          if (xi === 0) continue;
          const row = i * nOut;
          for (let j = 0; j < nOut; j++) out[j] += xi * W[row + j];
        }
        ACTIVATIONS[activation](out);
        input = out;
      }
      return input;
    }
  }

  // ---------------------------------------------------------------- paths

  function lerp(a, b, t) {
    if (t === 0) return Float64Array.from(a);
    if (t === 1) return Float64Array.from(b);
    const out = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) out[i] = (1 - t) * a[i] + t * b[i];
    return out;
  }

  // Spherical interpolation as manifoldviz.interpolation.paths.slerp_path: the linear path where
  // a and b are (anti)parallel, exact endpoints.
  function slerp(a, b, t) {
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    const norms = Math.sqrt(na) * Math.sqrt(nb);
    const cosOmega = norms ? Math.min(1, Math.max(-1, dot / norms)) : 1;
    const omega = Math.acos(cosOmega);
    if (Math.abs(Math.sin(omega)) < 1e-6 || t === 0 || t === 1) return lerp(a, b, t);
    const wa = Math.sin((1 - t) * omega) / Math.sin(omega);
    const wb = Math.sin(t * omega) / Math.sin(omega);
    const out = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) out[i] = wa * a[i] + wb * b[i];
    return out;
  }

  const LATENT_PATHS = { linear: lerp, slerp };

  // ---------------------------------------------------------------- per-frame measures

  function argmax(p) {
    let best = 0;
    for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
    return best;
  }

  // Shannon entropy of the classifier's probabilities in nats, as measures.entropy: each p
  // clipped to [1e-12, 1]; 0 sure, ln(10) ≈ 2.30 for ten equally likely classes.
  function entropy(p) {
    let h = 0;
    for (const value of p) {
      const q = Math.min(1, Math.max(1e-12, value));
      h -= q * Math.log(q);
    }
    return h;
  }

  // Probability the classifier puts on the endpoints' classes: a good morph from 4 to 9 may be
  // unsure between 4 and 9, but should not look like a 5.
  function endpointMass(p, classA, classB) {
    return classA === classB ? p[classA] : p[classA] + p[classB];
  }

  function meanSquaredError(x, y) {
    let total = 0;
    for (let i = 0; i < x.length; i++) total += (x[i] - y[i]) ** 2;
    return total / x.length;
  }

  // The measures the page can compute for a frame, by their names in
  // manifoldviz.interpolation.measures.MEASURES (Judges.score computes the same). A frame is
  // {x, p, reconstruction}; classes are the endpoints' two classes.
  const SCORES = Object.freeze({
    confidence: (frame) => Math.max(...frame.p),
    entropy: (frame) => entropy(frame.p),
    endpoint_mass: (frame, [classA, classB]) => endpointMass(frame.p, classA, classB),
    reconstruction_error: (frame) => meanSquaredError(frame.reconstruction, frame.x),
  });

  // ---------------------------------------------------------------- latent map

  // Fitted in Python (PCA of the test set's latent codes): any z lands exactly where Python
  // puts it.
  function makeProjection(mean, components) {
    const dim = mean.length;
    return (z) => {
      let u = 0;
      let v = 0;
      for (let i = 0; i < dim; i++) {
        const centred = z[i] - mean[i];
        u += centred * components[i];
        v += centred * components[dim + i];
      }
      return [u, v];
    };
  }

  // ---------------------------------------------------------------- drawing to MNIST

  // Weights of an area-average (box filter) resampling of n source cells onto m target cells.
  function boxWeights(n, m) {
    const scale = n / m;
    const out = [];
    for (let k = 0; k < m; k++) {
      const lo = k * scale;
      const hi = (k + 1) * scale;
      const taps = [];
      for (let s = Math.floor(lo); s < Math.min(n, Math.ceil(hi)); s++) {
        const overlap = Math.min(hi, s + 1) - Math.max(lo, s);
        if (overlap > 0) taps.push([s, overlap / scale]);
      }
      out.push(taps);
    }
    return out;
  }

  function resampleArea(src, sw, sh, dw, dh) {
    const across = boxWeights(sw, dw);
    const down = boxWeights(sh, dh);
    const rows = new Float64Array(sh * dw);
    for (let y = 0; y < sh; y++) {
      for (let u = 0; u < dw; u++) {
        let v = 0;
        for (const [s, w] of across[u]) v += src[y * sw + s] * w;
        rows[y * dw + u] = v;
      }
    }
    const out = new Float64Array(dh * dw);
    for (let k = 0; k < dh; k++) {
      for (let u = 0; u < dw; u++) {
        let v = 0;
        for (const [s, w] of down[k]) v += rows[s * dw + u] * w;
        out[k * dw + u] = v;
      }
    }
    return out;
  }

  // A drawing (ink in [0, 1], width × height) made into an MNIST digit the way MNIST's were:
  // the ink's bounding box scaled (aspect kept, area-averaged) to fit a 20×20 box, then placed
  // in a 28×28 field so that its centre of mass sits at the centre. Ink is rescaled to peak at 1.
  // Returns null when there is no ink.
  function mnistFromInk(ink, width, height, threshold = 0.05) {
    let x0 = width;
    let x1 = -1;
    let y0 = height;
    let y1 = -1;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (ink[y * width + x] > threshold) {
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
        }
      }
    }
    if (x1 < 0) return null;
    const bw = x1 - x0 + 1;
    const bh = y1 - y0 + 1;
    const crop = new Float64Array(bw * bh);
    for (let y = 0; y < bh; y++) {
      for (let x = 0; x < bw; x++) crop[y * bw + x] = ink[(y0 + y) * width + x0 + x];
    }
    const scale = 20 / Math.max(bw, bh);
    const dw = Math.max(1, Math.min(20, Math.round(bw * scale)));
    const dh = Math.max(1, Math.min(20, Math.round(bh * scale)));
    const small = resampleArea(crop, bw, bh, dw, dh);
    let peak = 0;
    let mass = 0;
    let mx = 0;
    let my = 0;
    for (let y = 0; y < dh; y++) {
      for (let x = 0; x < dw; x++) {
        const v = small[y * dw + x];
        peak = Math.max(peak, v);
        mass += v;
        mx += v * (x + 0.5);
        my += v * (y + 0.5);
      }
    }
    if (mass <= 0) return null;
    const ox = Math.round(SIDE / 2 - mx / mass);
    const oy = Math.round(SIDE / 2 - my / mass);
    const out = new Float64Array(N_PIXELS);
    for (let y = 0; y < dh; y++) {
      for (let x = 0; x < dw; x++) {
        const tx = x + ox;
        const ty = y + oy;
        if (tx >= 0 && tx < SIDE && ty >= 0 && ty < SIDE) {
          out[ty * SIDE + tx] = Math.min(1, small[y * dw + x] / peak);
        }
      }
    }
    return out;
  }

  return Object.freeze({
    SIDE,
    N_PIXELS,
    unpackArray,
    DenseNet,
    lerp,
    slerp,
    LATENT_PATHS,
    argmax,
    entropy,
    endpointMass,
    meanSquaredError,
    SCORES,
    makeProjection,
    mnistFromInk,
  });
})();
