# While `perl -c` compiles it, a BEGIN block runs as the submission with /box writable: it leaves 200 MiB of files
# there (memory outside any process, for as long as the container lives). Then each run uses 96 MiB, under its
# 128 MiB limit: AC (the box's files must not eat the room of the tests' limit, nor make the agent the OOM victim).
BEGIN {
    if (open(my $junk, '>', '/box/junk')) {
        print $junk ('j' x (1 << 20)) for 1 .. 200;
        close $junk;
    }
}
my @hog;
push @hog, 'm' x (8 << 20) for 1 .. 12;
print "ok\n";
