-module(syntax).
-export([main/0]).

main() ->
    io:format("~B~n", [1 + ]).
