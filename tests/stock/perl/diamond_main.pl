# The diamond operator <> reads standard input when @ARGV is empty (perldoc perlop "I/O Operators");
# a main sub called at the end, and a recursion 100 000 deep (perldoc perldiag: "Deep recursion" is only a warning).
use strict;
no warnings 'recursion';

sub depth {
    my ($n) = @_;
    return $n == 0 ? 0 : depth($n - 1) + 1;
}

sub main {
    my @n;
    while (my $line = <>) {
        push @n, split ' ', $line;
    }
    print $n[0] + $n[1] + depth(100_000) - 100_000, "\n";
}

main();
