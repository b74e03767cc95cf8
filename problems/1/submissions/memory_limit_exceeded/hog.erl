-module(hog).
-export([main/0]).

main() -> hog([]).

hog(Keep) -> hog([lists:seq(1, 1000000) | Keep]).
