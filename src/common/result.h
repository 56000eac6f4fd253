#pragma once
// Expected failures are values: result<T, E> holds a T or an error enum E (never an exception).
#include <boost/outcome/basic_result.hpp>
#include <boost/outcome/policy/terminate.hpp>

namespace odin {

template <class T, class E>
using result = boost::outcome_v2::basic_result<T, E, boost::outcome_v2::policy::terminate>;

using boost::outcome_v2::failure;
using boost::outcome_v2::success;

}  // namespace odin
