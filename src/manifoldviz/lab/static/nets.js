// The page's maths, no DOM: unpacking the embedded arrays, the dense models, the paths (the
// straight latent ones and the Isomap graph's), the per-frame measures, the latent map's
// plane and MNIST-style scaling of a drawing.
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

  const WIDE = { float32: [Float32Array, 4], int32: [Int32Array, 4], float16: [null, 2] };

  // IEEE half-precision bits to a number (float16 weights travel in half the bytes).
  function halfToNumber(bits) {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >> 10) & 0x1f;
    const fraction = bits & 0x3ff;
    if (exponent === 0) return sign * fraction * 2 ** -24;
    if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
    return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
  }

  // One packed array: {dtype: "float32" | "float16" | "int32" | "uint8", shape, data: base64 of
  // zlib data}. Wider arrays are stored as byte planes (all first bytes, then all second bytes,
  // ...), which compresses better than interleaved values; the planes are put back together
  // here (little-endian, as every browser's typed arrays are in practice).
  async function unpackArray(packed) {
    const bytes = await inflate(base64Bytes(packed.data));
    if (packed.dtype === "uint8") return bytes;
    if (!WIDE[packed.dtype]) throw new Error(`unknown dtype ${packed.dtype}`);
    const [Type, width] = WIDE[packed.dtype];
    const n = bytes.length / width;
    const joined = new Uint8Array(bytes.length);
    for (let plane = 0; plane < width; plane++) {
      const offset = plane * n;
      for (let i = 0; i < n; i++) joined[width * i + plane] = bytes[offset + i];
    }
    if (Type) return new Type(joined.buffer);
    const halves = new Uint16Array(joined.buffer);
    return Float32Array.from(halves, halfToNumber);
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

  // ---------------------------------------------------------------- the Isomap graph

  // As manifoldviz.interpolation.isomap: the weight of an edge between identical points (a
  // weight of 0 would be no edge to scipy), and uint8 pixels read as float32(value / 255).
  const TINY_WEIGHT = 1e-300;
  const PIXEL_VALUES = Float64Array.from({ length: 256 }, (_, v) => Math.fround(v / 255));

  // The training digits' guarded k-nearest-neighbour graph (NeighbourGraph): x (n × 784 uint8),
  // indices and distances (n × k, -1 / inf where the cutoff dropped an edge), as a symmetric
  // adjacency of squared-distance weights, an edge kept when either end chose it
  // (NeighbourGraph.adjacency: the larger weight where both did).
  class NeighbourGraph {
    constructor({ x, y, index, indices, distances, k, cutoff, substeps }) {
      this.x = x;
      this.y = y;
      this.index = index;
      this.k = k;
      this.cutoff = cutoff;
      this.substeps = substeps;
      this.n = indices.length / k;
      const linked = Array.from({ length: this.n }, () => new Map());
      for (let i = 0; i < this.n; i++) {
        for (let s = 0; s < k; s++) {
          const j = indices[i * k + s];
          if (j < 0) continue;
          const w = Math.max(distances[i * k + s] ** 2, TINY_WEIGHT);
          for (const [from, to] of [[i, j], [j, i]]) {
            if (!(linked[from].get(to) >= w)) linked[from].set(to, w);
          }
        }
      }
      // compressed rows: the neighbours of i are at start[i] .. start[i + 1]
      this.start = new Int32Array(this.n + 1);
      linked.forEach((m, i) => (this.start[i + 1] = this.start[i] + m.size));
      this.to = new Int32Array(this.start[this.n]);
      this.weight = new Float64Array(this.start[this.n]);
      linked.forEach((m, i) => {
        let e = this.start[i];
        for (const [j, w] of m) {
          this.to[e] = j;
          this.weight[e++] = w;
        }
      });
    }

    static async unpack(packed) {
      const [x, y, index, indices, distances] = await Promise.all(
        ["x", "y", "index", "indices", "distances"].map((name) => unpackArray(packed[name]))
      );
      const { k, cutoff, substeps } = packed;
      return new NeighbourGraph({ x, y, index, indices, distances, k, cutoff, substeps });
    }

    // Training digit i as an image (784 values in [0, 1], as flatten_scaled reads it).
    image(i) {
      const out = new Float64Array(N_PIXELS);
      for (let p = 0; p < N_PIXELS; p++) out[p] = PIXEL_VALUES[this.x[i * N_PIXELS + p]];
      return out;
    }

    // The `count` training digits nearest to image q, nearest first (ties by index), with
    // their Euclidean distances rounded to float32: isomap._nearest's exact re-ranking, done on
    // every digit (q is read as float32, as graph_path reads its endpoints).
    nearest(q, count) {
      const query = Float64Array.from(q, Math.fround);
      const found = [];
      for (let i = 0; i < this.n; i++) {
        let squared = 0;
        const row = i * N_PIXELS;
        for (let p = 0; p < N_PIXELS; p++) {
          const d = PIXEL_VALUES[this.x[row + p]] - query[p];
          squared += d * d;
        }
        if (found.length === count && squared >= found[count - 1][0]) continue;
        let at = found.length;
        while (at > 0 && found[at - 1][0] > squared) at--;
        found.splice(at, 0, [squared, i]);
        if (found.length > count) found.pop();
      }
      return found.map(([squared, i]) => ({ i, length: Math.fround(Math.sqrt(squared)) }));
    }
  }

  // A binary min-heap of [cost, node] pairs, for Dijkstra's algorithm.
  class MinHeap {
    constructor() {
      this.items = [];
    }

    get size() {
      return this.items.length;
    }

    push(cost, node) {
      const items = this.items;
      items.push([cost, node]);
      let i = items.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (items[parent][0] <= cost) break;
        [items[i], items[parent]] = [items[parent], items[i]];
        i = parent;
      }
    }

    pop() {
      const items = this.items;
      const top = items[0];
      const last = items.pop();
      if (items.length) {
        items[0] = last;
        let i = 0;
        for (;;) {
          const left = 2 * i + 1;
          const right = left + 1;
          let least = i;
          if (left < items.length && items[left][0] < items[least][0]) least = left;
          if (right < items.length && items[right][0] < items[least][0]) least = right;
          if (least === i) break;
          [items[i], items[least]] = [items[least], items[i]];
          i = least;
        }
      }
      return top;
    }
  }

  // The chain of training digits on the shortest graph path from image `start` to image `end`,
  // as isomap.graph_path: each endpoint attached to its k nearest digits by edges no longer than
  // the graph's cutoff (squared lengths as weights), never to each other, then Dijkstra's
  // algorithm on squared-distance weights. Returns {chain} (graph indices, endpoints excluded)
  // or {error} (one line: an endpoint beyond the cutoff, or no path between them).
  function graphPath(graph, start, end) {
    const attach = Math.min(graph.k, graph.n);
    const sides = [];
    for (const [x, name] of [
      [start, "A"],
      [end, "B"],
    ]) {
      const found = graph.nearest(x, attach);
      const near = found.filter((f) => f.length <= graph.cutoff);
      if (!near.length) {
        return {
          error:
            `${name} is ${found[0].length.toPrecision(3)} from its nearest training digit, beyond ` +
            `the graph's cutoff ${graph.cutoff.toPrecision(3)} (k = ${graph.k})`,
        };
      }
      sides.push(near.map(({ i, length }) => ({ i, w: Math.max(length ** 2, TINY_WEIGHT) })));
    }
    // Nodes 0 .. n-1 are the digits, n is A and n + 1 is B; A's edges are relaxed first, and B
    // is reached only through its own near digits.
    const [source, target] = [graph.n, graph.n + 1];
    const toTarget = new Map(sides[1].map(({ i, w }) => [i, w]));
    const cost = new Float64Array(graph.n + 2).fill(Infinity);
    const previous = new Int32Array(graph.n + 2).fill(-1);
    const done = new Uint8Array(graph.n + 2);
    const heap = new MinHeap();
    const relax = (from, to, w) => {
      const c = cost[from] + w;
      if (c < cost[to]) {
        cost[to] = c;
        previous[to] = from;
        heap.push(c, to);
      }
    };
    cost[source] = 0;
    done[source] = 1;
    for (const { i, w } of sides[0]) relax(source, i, w);
    while (heap.size) {
      const [c, node] = heap.pop();
      if (done[node] || c > cost[node]) continue;
      done[node] = 1;
      if (node === target) break;
      for (let e = graph.start[node]; e < graph.start[node + 1]; e++) {
        if (!done[graph.to[e]]) relax(node, graph.to[e], graph.weight[e]);
      }
      if (toTarget.has(node)) relax(node, target, toTarget.get(node));
    }
    if (!Number.isFinite(cost[target])) {
      return {
        error:
          `the neighbour graph does not connect A to B (k = ${graph.k}, cutoff ` +
          `${graph.cutoff.toPrecision(3)}): they lie in different parts of the training digits`,
      };
    }
    const chain = [];
    for (let node = previous[target]; node !== source; node = previous[node]) chain.push(node);
    return { chain: chain.reverse() };
  }

  // ---------------------------------------------------------------- arc length

  // A polyline of codes z with their decoded images, measured by image change, as
  // geodesic.resample_by_arclength: segment lengths in pixel space (latent lengths when the
  // images do not move at all).
  function arclengthCurve(z, images) {
    const distance = (u, v) => {
      let total = 0;
      for (let i = 0; i < u.length; i++) total += (u[i] - v[i]) ** 2;
      return Math.sqrt(total);
    };
    const steps = (points) => Float64Array.from({ length: z.length - 1 }, (_, s) => distance(points[s + 1], points[s]));
    let lengths = steps(images);
    if (!(lengths.reduce((a, b) => a + b, 0) > 0)) lengths = steps(z);
    const cumulative = new Float64Array(z.length);
    for (let s = 0; s < lengths.length; s++) cumulative[s + 1] = cumulative[s] + lengths[s];
    return { z, lengths, cumulative, total: cumulative[z.length - 1] };
  }

  // The code at arc length `target` along the curve: the last point at or before it (numpy's
  // searchsorted side="right", minus one, kept on a segment) moved linearly towards the next,
  // by the fraction of that segment's length.
  function codeAtLength({ z, lengths, cumulative }, target) {
    let lo = 0;
    let hi = cumulative.length; // first index with cumulative > target
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] <= target) lo = mid + 1;
      else hi = mid;
    }
    const segment = Math.min(Math.max(lo - 1, 0), z.length - 2);
    const span = lengths[segment];
    const fraction = span > 0 ? clamp01((target - cumulative[segment]) / span) : 0;
    const [from, to] = [z[segment], z[segment + 1]];
    return Float64Array.from(from, (v, i) => v + fraction * (to[i] - v));
  }

  // The code at fraction t of the curve's length; t = 0 and t = 1 are its endpoints exactly.
  function codeAt(curve, t) {
    if (t <= 0) return Float64Array.from(curve.z[0]);
    if (t >= 1) return Float64Array.from(curve.z[curve.z.length - 1]);
    return codeAtLength(curve, t * curve.total);
  }

  // resample_by_arclength: nSteps codes at evenly spaced arc lengths, endpoints exact.
  function resampleByArclength(z, images, nSteps) {
    const curve = arclengthCurve(z, images);
    return Array.from({ length: nSteps }, (_, k) => codeAt(curve, k / (nSteps - 1)));
  }

  function clamp01(v) {
    return Math.min(1, Math.max(0, v));
  }

  // The Isomap path from endpoint a to endpoint b (each {x, z}), as methods._isomap: the graph
  // path's training digits, encoded, between z_a and z_b; each edge cut into `substeps` points
  // and decoded, so the arc length follows the decoded curve. Returns {chain, nodes, curve}
  // (the frame at t decodes codeAt(curve, t)) or {error}.
  function isomapRoute(graph, nets, a, b) {
    const found = graphPath(graph, a.x, b.x);
    if (found.error) return found;
    const nodes = [a.z, ...found.chain.map((i) => nets.encode(graph.image(i))), b.z];
    const dense = [];
    for (let s = 0; s + 1 < nodes.length; s++) {
      const [from, to] = [nodes[s], nodes[s + 1]];
      for (let q = 0; q < graph.substeps; q++) {
        const t = q / graph.substeps;
        dense.push(Float64Array.from(from, (v, i) => v + t * (to[i] - v)));
      }
    }
    dense.push(nodes[nodes.length - 1]);
    const images = dense.map((z) => nets.decode(z).map(clamp01));
    return { chain: found.chain, nodes, curve: arclengthCurve(dense, images) };
  }

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

  // Two orthonormal directions spanning the plane through codes a, b and the mean, as
  // manifoldviz.interpolation.latent_grid.plane_basis: the first from the mean towards A, the
  // second towards B at right angles. Where A, B and the mean are on one line, the second is the
  // coordinate axis least along the first, made orthogonal to it (Python draws a seeded one).
  function planeBasis(a, b, mean) {
    const dim = mean.length;
    const dot = (u, v) => u.reduce((sum, ui, i) => sum + ui * v[i], 0);
    const norm = (u) => Math.sqrt(dot(u, u));
    let first = Float64Array.from(a, (v, i) => v - mean[i]);
    if (norm(first) < 1e-9) first = Float64Array.from(b, (v, i) => v - mean[i]);
    const firstLength = Math.max(norm(first), 1e-12);
    first = first.map((v) => v / firstLength);
    const towardsB = Float64Array.from(b, (v, i) => v - mean[i]);
    const along = dot(towardsB, first);
    let second = towardsB.map((v, i) => v - along * first[i]);
    if (norm(second) < 1e-6 * Math.max(norm(towardsB), 1e-12)) {
      let axis = 0;
      for (let i = 1; i < dim; i++) if (Math.abs(first[i]) < Math.abs(first[axis])) axis = i;
      second = new Float64Array(dim);
      second[axis] = 1;
      const onFirst = first[axis];
      second = second.map((v, i) => v - onFirst * first[i]);
    }
    const secondLength = norm(second);
    return [first, second.map((v) => v / secondLength)];
  }

  // The map's plane: a 2-D model's latent plane itself, else the plane through A, B and the
  // mean code. A map point (u, v) is the code origin + u e1 + v e2; a code lands at its
  // orthogonal projection on the plane.
  function latentPlane(zA, zB, mean) {
    const dim = mean.length;
    const origin = dim === 2 ? new Float64Array(2) : Float64Array.from(mean);
    const [e1, e2] = dim === 2 ? [Float64Array.of(1, 0), Float64Array.of(0, 1)] : planeBasis(zA, zB, mean);
    return {
      origin,
      e1,
      e2,
      toPlane(z) {
        let u = 0;
        let v = 0;
        for (let i = 0; i < dim; i++) {
          const centred = z[i] - origin[i];
          u += centred * e1[i];
          v += centred * e2[i];
        }
        return [u, v];
      },
      fromPlane(u, v) {
        const z = new Float64Array(dim);
        for (let i = 0; i < dim; i++) z[i] = origin[i] + u * e1[i] + v * e2[i];
        return z;
      },
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
    NeighbourGraph,
    graphPath,
    isomapRoute,
    codeAt,
    resampleByArclength,
    argmax,
    entropy,
    endpointMass,
    meanSquaredError,
    SCORES,
    planeBasis,
    latentPlane,
    mnistFromInk,
  });
})();
