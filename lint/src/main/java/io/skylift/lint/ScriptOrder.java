package io.skylift.lint;

import java.math.BigInteger;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Orders script paths as Flyway applies them: versioned by version ({@code V2} before {@code V10}), then the rest. */
final class ScriptOrder implements Comparator<String> {
    private static final Pattern VERSIONED = Pattern.compile("(?:.*/)?V([0-9][0-9._]*)__.*");

    @Override
    public int compare(String a, String b) {
        Matcher ma = VERSIONED.matcher(a);
        Matcher mb = VERSIONED.matcher(b);
        boolean va = ma.matches();
        boolean vb = mb.matches();
        if (va && vb) {
            int byVersion = compareVersions(ma.group(1), mb.group(1));
            return byVersion != 0 ? byVersion : a.compareTo(b);
        }
        if (va != vb) {
            return va ? -1 : 1;
        }
        return a.compareTo(b);
    }

    private static int compareVersions(String a, String b) {
        String[] pa = a.split("[._]");
        String[] pb = b.split("[._]");
        for (int i = 0; i < Math.max(pa.length, pb.length); i++) {
            BigInteger x = i < pa.length && !pa[i].isEmpty() ? new BigInteger(pa[i]) : BigInteger.ZERO;
            BigInteger y = i < pb.length && !pb[i].isEmpty() ? new BigInteger(pb[i]) : BigInteger.ZERO;
            int c = x.compareTo(y);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
