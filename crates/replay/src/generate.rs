//! Large organizations for the benchmark.
