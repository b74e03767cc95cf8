#!/usr/bin/perl
# Slurp all input with local $/ undefined (perldoc perlvar "$/": undef reads to end of file).
use strict;
use warnings;

my $input = do { local $/; <STDIN> };
my @n = split ' ', $input;
printf "%d\n", $n[0] + $n[1];
