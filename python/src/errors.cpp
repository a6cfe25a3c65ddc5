// C++ errors become the Python classes of hashsieve/errors.py, keeping the CLI's reason tags.
#include "host/core/errors.hpp"

#include <nanobind/stl/string.h>

#include <exception>

#include "host/pipeline/fatal_error.hpp"
#include "python/src/bindings.hpp"
#include "python/src/file_error.hpp"

namespace hashsieve::py {
namespace {

/// Sets hashsieve.errors.<name>(message, **kwargs) as the pending Python exception.
void raise(const char* name, const char* message, nb::kwargs kwargs = {}) {
  try {
    nb::object cls = nb::module_::import_("hashsieve.errors").attr(name);
    nb::object exc = cls(message, **kwargs);
    PyErr_SetObject(cls.ptr(), exc.ptr());
  } catch (nb::python_error& e) {
    e.restore();  // the import or the constructor failed: report that instead
  }
}

}  // namespace

pdq::LumaMode parseLuma(const std::string& name) {
  if (name == "reference") return pdq::LumaMode::Reference;
  if (name == "float64") return pdq::LumaMode::Float64;
  throw UsageError("luma must be \"reference\" or \"float64\", got \"" + name + "\"");
}

void bindErrors(nb::module_&) {
  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const FileError& e) {
      nb::kwargs kw;
      kw["reason"] = e.reason();
      kw["path"] = e.path();
      raise("DecodeError", e.what(), kw);
    } catch (const InputError& e) {
      nb::kwargs kw;
      kw["reason"] = e.reason();
      raise("InputError", e.what(), kw);
    } catch (const FormatError& e) {
      raise("FormatError", e.what());
    } catch (const UsageError& e) {
      raise("UsageError", e.what());
    } catch (const pipeline::FatalError& e) {
      raise("Error", e.what());
    }
  });
}

}  // namespace hashsieve::py
