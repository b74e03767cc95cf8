my $line = <STDIN>;
die "boom\n";
