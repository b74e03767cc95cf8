// A recursive DFS down a path of 10^6 vertices (the `.cc` extension, Kattis' and Google's), then an early
// std::exit(0) after the answer: the stack is the memory limit at the reference judges, and exit flushes cout.
#include <cstdlib>
#include <iostream>
#include <vector>

std::vector<std::vector<int>> adj;
std::vector<int> seen;

int dfs(int v) {
    seen[v] = 1;
    int reached = 1;
    for (int w : adj[v])
        if (!seen[w]) reached += dfs(w);
    return reached;
}

int main() {
    long long a, b;
    std::cin >> a >> b;
    const int n = 1000000;
    adj.assign(n, {});
    seen.assign(n, 0);
    for (int v = 0; v + 1 < n; ++v) adj[v].push_back(v + 1);
    if (dfs(0) != n) return 1;
    std::cout << a + b << '\n';
    std::exit(0);
}
