#!/usr/bin/python3
"""Writes the small synthetic ONNX models used by the importer tests.

Run with Debian's python (it has onnx and numpy):
    /usr/bin/python3 testdata/gen/make_synthetic.py
Outputs go to testdata/onnx/. Everything is deterministic (fixed seeds, no
timestamps), so re-running reproduces the committed files byte for byte.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "onnx")


def model(nodes, inputs, outputs, inits=(), opset=13, name="g"):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(inits))
    m = helper.make_model(graph, producer_name="rtcc-make-synthetic",
                          opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    return m


def save(m, name):
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        f.write(m.SerializeToString())
    return path


def init(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def f32(shape, name):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def tiny_cnn():
    """conv(3x3, pad 1) + relu + maxpool(2) + flatten + gemm: 1x1x8x8 -> 3."""
    w = (np.arange(18, dtype=np.float32).reshape(2, 1, 3, 3) - 9) / 16
    b = np.array([0.5, -0.25], dtype=np.float32)
    fw = ((np.arange(96, dtype=np.float32).reshape(3, 32) % 7) - 3) / 8
    fb = np.array([0.1, 0.2, 0.3], dtype=np.float32)
    nodes = [
        helper.make_node("Conv", ["input", "conv1.w", "conv1.b"], ["c1"],
                         name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1",
                         kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["p1"], ["f1"], name="flatten"),
        helper.make_node("Gemm", ["f1", "fc.w", "fc.b"], ["logits"],
                         name="fc", transB=1),
    ]
    m = model(nodes, [f32(["N", 1, 8, 8], "input")], [f32(["N", 3], "logits")],
              [init("conv1.w", w), init("conv1.b", b), init("fc.w", fw),
               init("fc.b", fb)], name="tiny_cnn")
    onnx.checker.check_model(m, full_check=True)
    path = save(m, "tiny_cnn.onnx")

    # An input and the expected logits, computed here with numpy (an
    # oracle independent of rtcc's reference interpreter).
    x = ((np.arange(64, dtype=np.float32).reshape(1, 1, 8, 8) % 5) - 2) / 4
    np.save(os.path.join(OUT, "tiny_cnn_input.npy"), x)
    batch = np.concatenate([x, x[:, :, ::-1, :] * 2])
    np.save(os.path.join(OUT, "tiny_cnn_batch.npy"), batch)
    with open(os.path.join(OUT, "tiny_cnn_classes.txt"), "w") as f:
        f.write("cat\ndog\nbird\n")

    def forward(sample):
        xp = np.pad(sample.astype(np.float64), ((1, 1), (1, 1)))
        conv = np.zeros((2, 8, 8))
        for oc in range(2):
            for i in range(8):
                for j in range(8):
                    conv[oc, i, j] = (xp[i:i + 3, j:j + 3] * w[oc, 0]).sum() \
                        + b[oc]
        pool = np.maximum(conv, 0).reshape(2, 4, 2, 4, 2).max(axis=(2, 4))
        return pool.reshape(32) @ fw.T.astype(np.float64) + fb

    with open(os.path.join(OUT, "tiny_cnn_expected.txt"), "w") as f:
        f.write("# tiny_cnn.onnx logits and softmax, computed with numpy\n")
        for name, data in [("tiny_cnn_input.npy", x),
                           ("tiny_cnn_batch.npy", batch)]:
            for k, sample in enumerate(data):
                logits = forward(sample[0])
                e = np.exp(logits - logits.max())
                f.write("%s[%d] logits: %s\n" % (
                    name, k, " ".join("%.6f" % v for v in logits)))
                f.write("%s[%d] softmax: %s\n" % (
                    name, k, " ".join("%.6f" % v for v in e / e.sum())))
    return path


def multi_error():
    """Four independent problems plus nodes that depend on failed ones."""
    x = f32([1, 8, 4, 4], "x")
    seq = f32([2, 1, 4], "seq")
    w_bad = np.zeros((6, 2, 1, 1), dtype=np.float32)
    lstm_w = np.zeros((1, 16, 4), dtype=np.float32)
    lstm_r = np.zeros((1, 16, 4), dtype=np.float32)
    nodes = [
        helper.make_node("LSTM", ["seq", "lstm_w", "lstm_r"], ["h"],
                         name="lstm_1", hidden_size=4),
        helper.make_node("Relu", ["h"], ["h_relu"], name="after_lstm"),
        helper.make_node("FancyOp", ["x"], ["fancy"], name="mystery"),
        helper.make_node("Conv", ["x", "w_bad"], ["c"], name="conv_bad",
                         group=3),
        helper.make_node("Relu", ["c"], ["c_relu"], name="after_conv"),
        helper.make_node("Relu", ["x"], ["r"], name="relu_attr", foo=1),
        helper.make_node("Sigmoid", ["x"], ["ok"], name="fine"),
    ]
    m = model(nodes, [x, seq],
              [f32(None, "h_relu"), f32(None, "fancy"), f32(None, "c_relu"),
               f32(None, "r"), f32(None, "ok")],
              [init("w_bad", w_bad), init("lstm_w", lstm_w),
               init("lstm_r", lstm_r)], name="multi_error")
    return save(m, "multi_error.onnx")


def dangling_input():
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"], name="conv1"),
        helper.make_node("Relu", ["c"], ["y"], name="relu1"),
    ]
    m = model(nodes, [f32([1, 1, 4, 4], "x")], [f32(None, "y")],
              name="dangling")
    return save(m, "dangling_input.onnx")


def symbolic_dim():
    nodes = [helper.make_node("Relu", ["x"], ["y"], name="relu")]
    m = model(nodes, [f32(["N", 3, "H", "W"], "x")],
              [f32(["N", 3, "H", "W"], "y")], name="symbolic")
    onnx.checker.check_model(m, full_check=True)
    return save(m, "symbolic_dim.onnx")


def opset6():
    nodes = [helper.make_node("Relu", ["x"], ["y"], name="relu")]
    m = model(nodes, [f32([1, 4], "x")], [f32([1, 4], "y")], opset=6,
              name="old")
    m.ir_version = 3
    return save(m, "opset6.onnx")


def shape_ops():
    """Opset-11 forms: Squeeze/Unsqueeze attrs, Reshape 0/-1, Clip and Pad
    operands as constant inputs."""
    nodes = [
        helper.make_node("Squeeze", ["x"], ["sq"], name="squeeze", axes=[-2]),
        helper.make_node("Reshape", ["sq", "shape"], ["rs"], name="reshape"),
        helper.make_node("Unsqueeze", ["rs"], ["us"], name="unsqueeze",
                         axes=[1]),
        helper.make_node("Clip", ["us", "lo", "hi"], ["cl"], name="clip"),
        helper.make_node("Pad", ["cl", "pads", "pad_value"], ["y"],
                         name="pad", mode="constant"),
    ]
    m = model(nodes, [f32([1, 3, 1, 4], "x")], [f32([1, 1, 14], "y")],
              [init("shape", np.array([0, -1], dtype=np.int64)),
               init("lo", np.array(0, dtype=np.float32)),
               init("hi", np.array(6, dtype=np.float32)),
               init("pads", np.array([0, 0, 1, 0, 0, 1], dtype=np.int64)),
               init("pad_value", np.array(-1, dtype=np.float32))],
              opset=11, name="shape_ops")
    onnx.checker.check_model(m, full_check=True)
    return save(m, "shape_ops.onnx")


def softmax_opset11():
    """Softmax-11 on axis 1 of a 3-D tensor flattens to 2-D."""
    nodes = [helper.make_node("Softmax", ["x"], ["y"], name="softmax", axis=1)]
    m = model(nodes, [f32([2, 3, 4], "x")], [f32([2, 3, 4], "y")], opset=11,
              name="softmax11")
    onnx.checker.check_model(m, full_check=True)
    np.save(os.path.join(OUT, "softmax_input.npy"),
            np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 4)
    return save(m, "softmax_opset11.onnx")


def non_constant_shape():
    nodes = [helper.make_node("Reshape", ["x", "shape"], ["y"],
                              name="reshape")]
    m = model(nodes, [f32([2, 3], "x"),
                      helper.make_tensor_value_info("shape", TensorProto.INT64,
                                                    [2])],
              [f32(None, "y")], name="dyn_reshape")
    return save(m, "non_constant_shape.onnx")


def broken_files(source):
    with open(source, "rb") as f:
        data = f.read()
    with open(os.path.join(OUT, "truncated.onnx"), "wb") as f:
        f.write(data[:len(data) // 2])
    rng = np.random.default_rng(12345)
    with open(os.path.join(OUT, "random_bytes.onnx"), "wb") as f:
        f.write(rng.integers(0, 256, size=512, dtype=np.uint8).tobytes())


# --- Conformance cases ---------------------------------------------------
# ONNX backend-test layout (model.onnx + test_data_set_0/{input,output}_i.pb)
# for features that libonnx-testdata covers only at opsets rtcc does not
# accept (< 7): dilated, grouped, depthwise and 1-D convolutions, global
# pools, old-opset Softmax/BatchNormalization/Gemm/Clip/Pad/Dropout forms.
# Expected outputs come from the straightforward numpy code below.


def np_conv(x, w, b=None, strides=None, pads=None, dil=None, group=1):
    """Direct N-d convolution (ONNX Conv semantics), in float64."""
    n, c = x.shape[:2]
    m, k = w.shape[0], w.shape[2:]
    r = len(k)
    strides = strides or [1] * r
    dil = dil or [1] * r
    pads = pads or [0] * (2 * r)
    xp = np.pad(x.astype(np.float64),
                [(0, 0), (0, 0)] + [(pads[i], pads[i + r]) for i in range(r)])
    span = [(k[i] - 1) * dil[i] + 1 for i in range(r)]
    out = [(xp.shape[2 + i] - span[i]) // strides[i] + 1 for i in range(r)]
    y = np.zeros([n, m] + out)
    cg, mg = c // group, m // group
    for nn in range(n):
        for oc in range(m):
            g = oc // mg
            for pos in np.ndindex(*out):
                window = tuple(slice(pos[i] * strides[i],
                                     pos[i] * strides[i] + span[i], dil[i])
                               for i in range(r))
                patch = xp[(nn, slice(g * cg, (g + 1) * cg)) + window]
                y[(nn, oc) + pos] = (patch * w[oc]).sum() + \
                    (b[oc] if b is not None else 0)
    return y.astype(np.float32)


def np_softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def write_case(name, nodes, inputs, outputs, inits, opset):
    """inputs/outputs: lists of (name, array); inits: list of TensorProto."""
    case = os.path.join(OUT, "conformance", name)
    data = os.path.join(case, "test_data_set_0")
    os.makedirs(data, exist_ok=True)

    def info(n, a):
        return helper.make_tensor_value_info(
            n, onnx.mapping.NP_TYPE_TO_TENSOR_TYPE[a.dtype], list(a.shape))
    m = model(nodes, [info(n, a) for n, a in inputs],
              [info(n, a) for n, a in outputs], inits, opset=opset,
              name=name)
    onnx.checker.check_model(m, full_check=True)
    save(m, os.path.join("conformance", name, "model.onnx"))
    for prefix, tensors in (("input", inputs), ("output", outputs)):
        for i, (n, a) in enumerate(tensors):
            with open(os.path.join(data, "%s_%d.pb" % (prefix, i)), "wb") as f:
                f.write(numpy_helper.from_array(a, n).SerializeToString())


def conformance_cases():
    rng = np.random.default_rng(7)

    def randn(*shape):
        return rng.standard_normal(shape).astype(np.float32)

    x, w = randn(1, 2, 7, 7), randn(3, 2, 3, 3)
    write_case("conv_dilated_strided", [helper.make_node(
        "Conv", ["x", "w"], ["y"], name="conv", dilations=[2, 2],
        strides=[2, 2], pads=[1, 1, 1, 1])], [("x", x)],
        [("y", np_conv(x, w, strides=[2, 2], pads=[1, 1, 1, 1],
                       dil=[2, 2]))], [init("w", w)], 13)

    # Depthwise with SAME_UPPER: in 5, k 3, s 1 -> pads 1 on each side.
    x, w, b = randn(1, 3, 5, 5), randn(3, 1, 3, 3), randn(3)
    write_case("conv_depthwise_same_upper", [helper.make_node(
        "Conv", ["x", "w", "b"], ["y"], name="dw", group=3,
        auto_pad="SAME_UPPER")], [("x", x)],
        [("y", np_conv(x, w, b, pads=[1, 1, 1, 1], group=3))],
        [init("w", w), init("b", b)], 11)

    x, w = randn(1, 4, 7), randn(6, 2, 3)
    write_case("conv1d_grouped", [helper.make_node(
        "Conv", ["x", "w"], ["y"], name="conv1d", group=2, strides=[2],
        pads=[1, 1])], [("x", x)],
        [("y", np_conv(x, w, strides=[2], pads=[1, 1], group=2))],
        [init("w", w)], 13)

    x = randn(1, 2, 3, 4)
    write_case("global_pools", [
        helper.make_node("GlobalAveragePool", ["x"], ["avg"], name="gap"),
        helper.make_node("GlobalMaxPool", ["x"], ["max"], name="gmp")],
        [("x", x)],
        [("avg", x.mean(axis=(2, 3), keepdims=True).astype(np.float32)),
         ("max", x.max(axis=(2, 3), keepdims=True))], [], 13)

    x = randn(2, 3, 4)
    y = np_softmax(x.reshape(2, 12), 1).reshape(2, 3, 4).astype(np.float32)
    write_case("softmax_opset11_axis1", [helper.make_node(
        "Softmax", ["x"], ["y"], name="softmax", axis=1)], [("x", x)],
        [("y", y)], [], 11)

    x = randn(1, 2, 2, 3)
    scale, bias = np.array([0.5, 2], np.float32), np.array([1, -1], np.float32)
    mean, var = np.array([0.1, -0.2], np.float32), np.array([1.5, 0.25],
                                                             np.float32)
    c = (slice(None), None, None)
    y = (scale[c] * (x - mean[c]) / np.sqrt(var[c] + 1e-3) +
         bias[c]).astype(np.float32)
    write_case("batchnorm_opset9", [helper.make_node(
        "BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], name="bn",
        epsilon=1e-3, momentum=0.9)], [("x", x)], [("y", y)],
        [init("s", scale), init("b", bias), init("m", mean),
         init("v", var)], 9)

    a, bm, cv = randn(2, 3), randn(4, 3), randn(4)
    y = (0.5 * a.astype(np.float64) @ bm.T + 2 * cv).astype(np.float32)
    write_case("gemm_opset9_broadcast_c", [helper.make_node(
        "Gemm", ["a", "b", "c"], ["y"], name="gemm", alpha=0.5, beta=2.0,
        transB=1)], [("a", a)], [("y", y)], [init("b", bm), init("c", cv)],
        9)

    x = randn(1, 1, 3, 3)
    y = np.clip(np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)), mode="reflect"),
                -0.5, 0.5)
    write_case("pad_reflect_clip_opset10", [
        helper.make_node("Pad", ["x"], ["p"], name="pad", mode="reflect",
                         pads=[0, 0, 1, 1, 0, 0, 1, 1]),
        helper.make_node("Clip", ["p"], ["y"], name="clip", min=-0.5,
                         max=0.5)], [("x", x)], [("y", y)], [], 10)

    x = randn(2, 3)
    write_case("dropout_opset12_inference", [helper.make_node(
        "Dropout", ["x", "ratio", "training"], ["y"], name="dropout")],
        [("x", x)], [("y", x)],
        [init("ratio", np.array(0.5, np.float32)),
         init("training", np.array(False))], 12)


def qdq_conv():
    """A QDQ-quantized conv + gemm (the form ONNX Runtime's quantizer
    writes): x f32 1x2x6x6 -> Q/DQ -> conv(DQ(int8 w, per channel), f32 bias,
    pad 1) -> Q/DQ -> flatten -> Q/DQ -> gemm(DQ(int8 w), f32 bias,
    transB) -> Q/DQ -> y f32 1x4. Input for it: qdq_conv_input.npy."""
    rng = np.random.default_rng(7)
    cw = rng.integers(-127, 128, size=(3, 2, 3, 3)).astype(np.int8)
    cws = np.array([0.004, 0.006, 0.005], dtype=np.float32)
    cb = np.array([0.1, -0.2, 0.05], dtype=np.float32)
    gw = rng.integers(-127, 128, size=(4, 108)).astype(np.int8)
    gb = np.array([0.3, -0.1, 0.0, 0.2], dtype=np.float32)
    q = lambda i, s, z, o, n: helper.make_node(
        "QuantizeLinear", [i, s, z], [o], name=n)
    dq = lambda i, s, z, o, n, **kw: helper.make_node(
        "DequantizeLinear", [i, s, z], [o], name=n, **kw)
    nodes = [
        q("x", "sx", "zx", "xq", "q_x"),
        dq("xq", "sx", "zx", "xf", "dq_x"),
        dq("conv.w", "conv.ws", "conv.wz", "cwf", "dq_cw", axis=0),
        helper.make_node("Conv", ["xf", "cwf", "conv.b"], ["c"], name="conv",
                         pads=[1, 1, 1, 1]),
        q("c", "sc", "zc", "cq", "q_c"),
        dq("cq", "sc", "zc", "cf", "dq_c"),
        helper.make_node("Flatten", ["cf"], ["fl"], name="flatten"),
        q("fl", "sc", "zc", "flq", "q_fl"),
        dq("flq", "sc", "zc", "flf", "dq_fl"),
        dq("fc.w", "fc.ws", "fc.wz", "gwf", "dq_gw"),
        helper.make_node("Gemm", ["flf", "gwf", "fc.b"], ["g"], name="fc",
                         transB=1),
        q("g", "sy", "zy", "yq", "q_y"),
        dq("yq", "sy", "zy", "y", "dq_y"),
    ]
    inits = [
        init("sx", np.float32(0.02)), init("zx", np.uint8(128)),
        init("conv.w", cw), init("conv.ws", cws),
        init("conv.wz", np.zeros(3, dtype=np.int8)), init("conv.b", cb),
        init("sc", np.float32(0.05)), init("zc", np.uint8(100)),
        init("fc.w", gw), init("fc.ws", np.float32(0.003)),
        init("fc.wz", np.int8(0)), init("fc.b", gb),
        init("sy", np.float32(0.1)), init("zy", np.int8(-3)),
    ]
    m = model(nodes, [f32([1, 2, 6, 6], "x")], [f32([1, 4], "y")], inits,
              name="qdq_conv")
    onnx.checker.check_model(m, full_check=True)
    x = rng.uniform(-2.0, 2.0, size=(1, 2, 6, 6)).astype(np.float32)
    np.save(os.path.join(OUT, "qdq_conv_input.npy"), x)
    return save(m, "qdq_conv.onnx")


def qlinear_ops():
    """Operator-form quantized ops with initializer scales: QLinearConv
    (u8 x, per-channel i8 w, i32 bias) -> DequantizeLinear, and
    MatMulInteger with a per-column zero point. The scales are powers of two
    so that the fixed-point multipliers are exact (sx * sw / sy = 2^-3 and
    2^-4)."""
    w = np.array([[1, 0, -1, 2, 0, -2, 1, 0, -1],
                  [1, 1, 1, 1, 1, 1, 1, 1, 1]], dtype=np.int8)
    nodes = [
        helper.make_node("QLinearConv", ["x", "sx", "zx", "w", "sw", "zw",
                                         "sy", "zy", "b"], ["c"],
                         name="qconv", pads=[1, 1, 1, 1]),
        helper.make_node("DequantizeLinear", ["c", "sy", "zy"], ["y"],
                         name="dq"),
        helper.make_node("MatMulInteger", ["a", "bm", "za", "zb"], ["m"],
                         name="mmi"),
    ]
    inits = [
        init("sx", np.float32(0.5)), init("zx", np.uint8(128)),
        init("w", w.reshape(2, 1, 3, 3)),
        init("sw", np.array([0.25, 0.125], dtype=np.float32)),
        init("zw", np.zeros(2, dtype=np.int8)),
        init("sy", np.float32(1.0)), init("zy", np.uint8(10)),
        init("b", np.array([4, -8], dtype=np.int32)),
        init("bm", np.arange(6, dtype=np.uint8).reshape(3, 2)),
        init("za", np.uint8(12)),
        init("zb", np.array([1, 2], dtype=np.uint8)),
    ]
    m = model(nodes,
              [helper.make_tensor_value_info("x", TensorProto.UINT8,
                                             [1, 1, 4, 4]),
               helper.make_tensor_value_info("a", TensorProto.UINT8, [2, 3])],
              [f32([1, 2, 4, 4], "y"),
               helper.make_tensor_value_info("m", TensorProto.INT32, [2, 2])],
              inits, name="qlinear_ops")
    onnx.checker.check_model(m, full_check=True)
    return save(m, "qlinear_ops.onnx")


def mlp():
    """flatten + gemm(784->96) + relu + gemm(96->10) on 1x1x28x28 inputs
    (the Fashion-MNIST shape), seeded random weights: the first model the
    racetrack backend compiles (K = 784 spans several MUs, N = 96 several
    lane groups)."""
    rng = np.random.default_rng(7)
    w1 = (rng.standard_normal((96, 784)) * 0.05).astype(np.float32)
    b1 = (rng.standard_normal(96) * 0.1).astype(np.float32)
    w2 = (rng.standard_normal((10, 96)) * 0.2).astype(np.float32)
    b2 = (rng.standard_normal(10) * 0.1).astype(np.float32)
    nodes = [
        helper.make_node("Flatten", ["input"], ["flat"], name="flatten"),
        helper.make_node("Gemm", ["flat", "fc1.w", "fc1.b"], ["h"],
                         name="fc1", transB=1),
        helper.make_node("Relu", ["h"], ["hr"], name="relu1"),
        helper.make_node("Gemm", ["hr", "fc2.w", "fc2.b"], ["logits"],
                         name="fc2", transB=1),
    ]
    m = model(nodes, [f32([1, 1, 28, 28], "input")], [f32([1, 10], "logits")],
              [init("fc1.w", w1), init("fc1.b", b1), init("fc2.w", w2),
               init("fc2.b", b2)], name="mlp")
    onnx.checker.check_model(m, full_check=True)
    return save(m, "mlp.onnx")


def main():
    os.makedirs(OUT, exist_ok=True)
    cnn = tiny_cnn()
    multi_error()
    dangling_input()
    symbolic_dim()
    opset6()
    shape_ops()
    softmax_opset11()
    non_constant_shape()
    broken_files(cnn)
    conformance_cases()
    qdq_conv()
    qlinear_ops()
    mlp()


if __name__ == "__main__":
    main()
