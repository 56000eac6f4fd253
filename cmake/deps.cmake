# Every third-party dependency comes from a Debian package (scripts/setup.sh installs them).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(Boost 1.81 REQUIRED CONFIG)
find_package(simdjson REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(prometheus-cpp REQUIRED COMPONENTS core)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(CLI11 REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(ZLIB REQUIRED)
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka++ rdkafka)
pkg_check_modules(AVRO REQUIRED IMPORTED_TARGET avro-c)  # Avro C 1.11 (libavro-dev): src/verify

add_library(odin_boost INTERFACE)
target_link_libraries(odin_boost INTERFACE Boost::headers Threads::Threads)
target_compile_definitions(odin_boost INTERFACE BOOST_ASIO_NO_DEPRECATED)
