// judge calibrate: sorting and a hash map (memory traffic and the standard library; a fixed amount of work).
#include <algorithm>
#include <cstdint>
#include <iostream>
#include <unordered_map>
#include <vector>

int main() {
    std::vector<uint32_t> v(3000000);
    uint32_t x = 2463534242u;
    for (auto &e : v) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        e = x;
    }
    std::sort(v.begin(), v.end());
    std::unordered_map<uint32_t, uint32_t> counts;
    for (size_t i = 0; i < 1000000; i++) counts[v[i] % 100003] += 1;
    uint64_t sum = counts.size();
    for (size_t i = 0; i < v.size(); i += 1000) sum += v[i];
    std::cout << sum << "\n";
    return 0;
}
