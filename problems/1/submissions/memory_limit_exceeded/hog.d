void main() {
    ubyte[][] keep;
    while (true) {
        auto chunk = new ubyte[16 << 20];
        chunk[] = 1;
        keep ~= chunk;
    }
}
