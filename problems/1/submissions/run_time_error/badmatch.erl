-module(badmatch).
-export([main/0]).

main() ->
    {ok, [A, _B]} = io:fread("", "~d ~d"),
    1 = A + 1000.
