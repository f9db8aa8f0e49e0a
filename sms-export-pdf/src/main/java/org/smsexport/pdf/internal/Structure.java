package org.smsexport.pdf.internal;

/**
 * The structure elements of a tagged report's pages, built and deflated on the page-building thread (the writing
 * thread deflates the content streams meanwhile): per page one object stream with its TBody, a TR per row, a TD per
 * cell and its parent-tree array. Object numbers follow a fixed pattern, so both threads know them: a page's block
 * starts at {@code base} with the page, its content stream and its object stream, then TBody at base + 3, per row
 * its TR and its n TD, then the array.
 */
final class Structure {

    /** One page's deflated object stream: {@code count} objects, their index {@code first} bytes long. */
    record Stream(int base, int count, boolean body, int first, byte[] deflated) {
    }

    private final int n;
    private final Flate flate = new Flate(32 * 1024);
    private final Ops objects = new Ops(64 * 1024);
    private final Ops index = new Ops(8 * 1024);
    private int next;

    /** @param columns the table's column count */
    Structure(int columns) {
        this.n = columns;
        this.next = ConformingSink.firstPageObject(columns);
    }

    /**
     * @param p    the page index (0 for page 1)
     * @param tags the page's marked content
     * @return its object stream, numbered after the previous page's
     */
    Stream page(int p, PageSink.Tags tags) {
        int base = next;
        int first = base + 3;
        int rows = tags.rows();
        int[] cells = tags.cells();
        int[] owner = new int[tags.count() + 1];
        int used = tags.count();
        if (p == 0) {
            ConformingSink.titleBlockOwners(owner, tags, n);
            used++; // the row count's number, drawn after the last page in the title block's last P
        }
        objects.clear();
        index.clear();
        if (rows > 0) {
            entry(first);
            objects.ascii("<</S/TBody/P ").integer(ConformingSink.TABLE).ascii(" 0 R/K[");
            for (int r = 0; r < rows; r++) {
                objects.integer(first + 1 + r * (n + 1)).ascii(" 0 R ");
            }
            objects.ascii("]>>\n");
            for (int r = 0; r < rows; r++) {
                int tr = first + 1 + r * (n + 1);
                entry(tr);
                objects.ascii("<</S/TR/P ").integer(first).ascii(" 0 R/K[");
                for (int c = 0; c < n; c++) {
                    objects.integer(tr + 1 + c).ascii(" 0 R ");
                }
                objects.ascii("]>>\n");
                for (int c = 0; c < n; c++) {
                    int mcid = cells[r * n + c];
                    entry(tr + 1 + c);
                    objects.ascii("<</S/TD/P ").integer(tr).ascii(" 0 R");
                    if (mcid >= 0) {
                        objects.ascii("/Pg ").integer(base).ascii(" 0 R/K ").integer(mcid);
                        owner[mcid] = tr + 1 + c;
                    }
                    objects.ascii(">>\n");
                }
            }
        }
        int count = (rows > 0 ? 1 + rows * (n + 1) : 0) + 1;
        entry(first + count - 1);
        objects.ascii("[");
        for (int m = 0; m < used; m++) {
            objects.integer(owner[m]).ascii(" 0 R ");
        }
        objects.ascii("]\n");
        next = base + 3 + count;

        flate.reset().add(index.buffer(), index.size()).finish(objects.buffer(), objects.size());
        return new Stream(base, count, rows > 0, index.size(), flate.toByteArray());
    }

    /** Notes where an object starts in the object stream being built. */
    private void entry(int object) {
        index.integer(object).ascii(' ').integer(objects.size()).ascii(' ');
    }

    /** Frees the deflater. */
    void end() {
        flate.end();
    }
}
