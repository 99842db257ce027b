package org.toxiscope.datasets;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds a language code in a corpus file path: {@code de.csv}, {@code de-00000-of-00001.parquet}, {@code .../de/train.jsonl}. */
final class LanguageCodes {

    private static final Set<String> ISO_639_1 = Set.of((
            "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz "
            + "ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii "
            + "ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi "
            + "mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw "
            + "sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk "
            + "ur uz ve vi vo wa wo xh yi yo za zh zu").split(" "));

    // Three-letter names are accepted only for widely used languages: an open rule would read "big.csv" as a language.
    private static final Set<String> ISO_639_3 = Set.of((
            "afr amh ara arb arz ary asm aze bel ben bos bul cat ces ckb cmn cym dan deu ell eng est eus fas fil fin "
            + "fra gle glg guj hau heb hin hrv hun hye ibo ind isl ita jav jpn kan kat kaz khm kir kor lao lav lit mal "
            + "mar mkd mlt mon msa mya nep nld nor ori pan pol por pus ron rus sin slk slv som spa sqi srp swa swe tam "
            + "tat tel tgk tgl tha tir tuk tur uig ukr urd uzb vie xho yor yue zho zsm zul").split(" "));

    private static final Pattern LEADING_CODE = Pattern.compile("^([A-Za-z]{2,3})(?:[-_.]|$)");

    private LanguageCodes() {
    }

    /** The code named by the file's base name, else by its folder; null when neither names one. */
    static String fromPath(Path file) {
        String base = baseName(file.getFileName().toString());
        String code = code(base);
        if (code == null && file.toAbsolutePath().getParent() != null
                && file.toAbsolutePath().getParent().getFileName() != null) {
            code = code(file.toAbsolutePath().getParent().getFileName().toString());
        }
        return code;
    }

    private static String baseName(String name) {
        String stripped = Format.stripCompression(name);
        int dot = stripped.lastIndexOf('.');
        return dot > 0 ? stripped.substring(0, dot) : stripped;
    }

    private static String code(String token) {
        Matcher m = LEADING_CODE.matcher(token);
        if (!m.find()) {
            return null;
        }
        String c = m.group(1).toLowerCase(Locale.ROOT);
        return ISO_639_1.contains(c) || ISO_639_3.contains(c) ? c : null;
    }
}
