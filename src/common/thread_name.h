#pragma once
// Names the calling thread (Linux: at most 15 characters, longer names are cut), so `top -H`,
// `ps -L -o tid,comm`, perf and bench/thread_cpu.py tell the threads apart.
#include <pthread.h>

#include <string>
#include <string_view>

namespace odin {

inline void name_this_thread(std::string_view name) {
  const std::string cut(name.substr(0, 15));
  pthread_setname_np(pthread_self(), cut.c_str());
}

}  // namespace odin
