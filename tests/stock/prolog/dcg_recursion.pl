% A DCG over the input's codes with library(dcg/basics) (SWI-Prolog manual A.14: blanks//0, integer//1), and a
% non-tail recursion 1 000 000 deep (the stacks grow up to the stack limit).
:- use_module(library(dcg/basics)).

depth(0, 0) :- !.
depth(N, D) :- M is N - 1, depth(M, D0), D is D0 + 1.

main :-
    read_stream_to_codes(user_input, Codes),
    phrase((blanks, integer(A), blanks, integer(B), blanks), Codes),
    depth(1000000, D),
    S is A + B + D - 1000000,
    write(S), nl.
