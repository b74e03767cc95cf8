%% An Erlang module with main/0 (run as erl -noshell -s sum main -s init stop), io:fread with ~d.
-module(sum).
-export([main/0]).

main() ->
    {ok, [A, B]} = io:fread("", "~d ~d"),
    io:format("~B~n", [A + B]).
