% main/0, the goal Kattis starts (swipl -g main -t halt); one line read with read_line_to_string/2, split with
% split_string/4, number_string/2 (SWI-Prolog manual, sections 4.17 and 5.2); integers are unbounded.
main :-
    read_line_to_string(user_input, Line),
    split_string(Line, " ", " ", [A, B]),
    number_string(X, A),
    number_string(Y, B),
    Z is X + Y,
    format("~d~n", [Z]).
