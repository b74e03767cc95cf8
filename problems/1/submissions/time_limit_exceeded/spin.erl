-module(spin).
-export([main/0]).

main() -> spin(0).

spin(X) -> spin((X * 31 + 7) rem 1000003).
