//===- tests/unit/onnx/OnnxTestModel.h - Build ONNX models in tests -*- C++
//-*-===//
//
// A tiny builder over the onnx protobuf API so importer tests can write the
// model they need in a few lines, serialize it and import the bytes.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/onnx/OnnxImporter.h"
#include "ir/Diagnostics.h"
#include "ir/Graph.h"

#include "llvm/Support/raw_ostream.h"

// The onnx CMake targets define these for rtc_onnx; tests link rtc_onnx
// only, so spell them here (the same values: the ONNX-ML protos).
#ifndef ONNX_ML
#define ONNX_ML 1
#endif
#ifndef ONNX_NAMESPACE
#define ONNX_NAMESPACE onnx
#endif
#include "onnx/onnx_pb.h"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace rtc::onnx::test {

/// A dim of a declared shape: a number, or a symbolic name.
struct Dim {
  Dim(int64_t v) : value(v) {}
  Dim(const char *p) : param(p) {}
  int64_t value = -1;
  std::string param;
};

class TestModel {
public:
  explicit TestModel(int64_t opset = 13) {
    model.set_ir_version(8);
    auto *op = model.add_opset_import();
    op->set_domain("");
    op->set_version(opset);
    graph()->set_name("test");
  }

  ::onnx::GraphProto *graph() { return model.mutable_graph(); }

  static void setType(::onnx::ValueInfoProto *vi, int32_t elemType,
                      std::initializer_list<Dim> dims) {
    auto *tt = vi->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(elemType);
    auto *shape = tt->mutable_shape();
    for (const Dim &d : dims) {
      auto *dim = shape->add_dim();
      if (d.param.empty())
        dim->set_dim_value(d.value);
      else
        dim->set_dim_param(d.param);
    }
  }

  void input(const std::string &name, std::initializer_list<Dim> dims,
             int32_t elemType = ::onnx::TensorProto::FLOAT) {
    auto *vi = graph()->add_input();
    vi->set_name(name);
    setType(vi, elemType, dims);
  }

  void output(const std::string &name, std::initializer_list<Dim> dims,
              int32_t elemType = ::onnx::TensorProto::FLOAT) {
    auto *vi = graph()->add_output();
    vi->set_name(name);
    setType(vi, elemType, dims);
  }

  ::onnx::NodeProto &node(const std::string &opType,
                          std::initializer_list<std::string> inputs,
                          std::initializer_list<std::string> outputs,
                          const std::string &name = "") {
    auto *n = graph()->add_node();
    n->set_op_type(opType);
    n->set_name(name);
    for (const std::string &i : inputs)
      n->add_input(i);
    for (const std::string &o : outputs)
      n->add_output(o);
    return *n;
  }

  static void attrInt(::onnx::NodeProto &n, const std::string &name,
                      int64_t v) {
    auto *a = n.add_attribute();
    a->set_name(name);
    a->set_type(::onnx::AttributeProto::INT);
    a->set_i(v);
  }
  static void attrFloat(::onnx::NodeProto &n, const std::string &name,
                        float v) {
    auto *a = n.add_attribute();
    a->set_name(name);
    a->set_type(::onnx::AttributeProto::FLOAT);
    a->set_f(v);
  }
  static void attrString(::onnx::NodeProto &n, const std::string &name,
                         const std::string &v) {
    auto *a = n.add_attribute();
    a->set_name(name);
    a->set_type(::onnx::AttributeProto::STRING);
    a->set_s(v);
  }
  static void attrInts(::onnx::NodeProto &n, const std::string &name,
                       std::initializer_list<int64_t> v) {
    auto *a = n.add_attribute();
    a->set_name(name);
    a->set_type(::onnx::AttributeProto::INTS);
    for (int64_t x : v)
      a->add_ints(x);
  }

  /// A float initializer stored in float_data.
  void initFloats(const std::string &name, std::initializer_list<int64_t> dims,
                  std::vector<float> values) {
    auto *t = graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(::onnx::TensorProto::FLOAT);
    for (int64_t d : dims)
      t->add_dims(d);
    for (float v : values)
      t->add_float_data(v);
  }
  /// A float initializer of \p dims filled with \p value (raw_data).
  void initSplat(const std::string &name, std::initializer_list<int64_t> dims,
                 float value) {
    int64_t n = 1;
    for (int64_t d : dims)
      n *= d;
    std::vector<float> values(size_t(n), value);
    auto *t = graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(::onnx::TensorProto::FLOAT);
    for (int64_t d : dims)
      t->add_dims(d);
    t->set_raw_data(std::string(reinterpret_cast<const char *>(values.data()),
                                values.size() * sizeof(float)));
  }
  /// A 1-D int64 initializer stored in int64_data.
  void initInts(const std::string &name, std::vector<int64_t> values) {
    auto *t = graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(::onnx::TensorProto::INT64);
    t->add_dims(int64_t(values.size()));
    for (int64_t v : values)
      t->add_int64_data(v);
  }

  std::string bytes() const { return model.SerializeAsString(); }

  llvm::Expected<Graph> import(const ImportOptions &options = {}) const {
    return importModelBytes(bytes(), "test.onnx", options);
  }

  ::onnx::ModelProto model;
};

/// Renders \p err like the tools do and returns the text; \p count receives
/// the number of diagnostics.
inline std::string renderToString(llvm::Error err, unsigned *count = nullptr) {
  std::string text;
  llvm::raw_string_ostream os(text);
  unsigned n = renderErrors(std::move(err), os, "test");
  if (count)
    *count = n;
  return os.str();
}

/// The first live node of kind \p kind, or nullptr.
inline const Node *findNode(const Graph &g, OpKind kind) {
  for (NodeId id : g.getNodeIds())
    if (g.getNode(id).kind == kind)
      return &g.getNode(id);
  return nullptr;
}

/// Number of live nodes of kind \p kind.
inline unsigned countNodes(const Graph &g, OpKind kind) {
  unsigned n = 0;
  for (NodeId id : g.getNodeIds())
    n += g.getNode(id).kind == kind;
  return n;
}

} // namespace rtc::onnx::test
