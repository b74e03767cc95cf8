%% The whole input with file:read_file("/dev/stdin"), a body recursion 10^6 deep and an early halt(0)
%% (halt flushes the output first, erlang:halt/2 docs). The module and file name differ from the runner's.
-module(readall).
-export([main/0]).

depth(0) -> 0;
depth(N) -> 1 + depth(N - 1).

main() ->
    {ok, Data} = file:read_file("/dev/stdin"),
    Tokens = binary:split(Data, [<<" ">>, <<"\n">>, <<"\r">>, <<"\t">>], [global, trim_all]),
    1000000 = depth(1000000),
    io:format("~B~n", [lists:sum([binary_to_integer(T) || T <- Tokens])]),
    halt(0).
