// The competitive C++ habit: <bits/stdc++.h>, using namespace std, untied fast iostreams, `while (cin >> x)`
// reading everything until EOF.
#include <bits/stdc++.h>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    long long x, sum = 0;
    while (cin >> x) sum += x;
    cout << sum << '\n';
    return 0;
}
