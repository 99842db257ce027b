package org.toxiscope.features.lens;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import org.toxiscope.features.Golden;
import org.toxiscope.features.model.ComputeDtype;
import org.toxiscope.features.model.LanguageModel;
import org.toxiscope.features.model.ModelCheckpoint;
import org.toxiscope.features.model.Weights;

/**
 * A shared-fixture model with every weight cast to float64, the finite-difference oracle's precision, and two of its
 * golden texts of different lengths (the longest and the shortest, so one row is padded): skips where the fixtures
 * are absent.
 */
final class Float64Model implements AutoCloseable {

    final LanguageModel model;
    final int[][] texts;
    private final ModelCheckpoint checkpoint;

    private Float64Model(ModelCheckpoint checkpoint, LanguageModel model, int[][] texts) {
        this.checkpoint = checkpoint;
        this.model = model;
        this.texts = texts;
    }

    static Float64Model open(String fixture) throws IOException {
        Golden golden = Golden.load(fixture);
        ModelCheckpoint checkpoint = ModelCheckpoint.open(golden.modelDir.toString());
        Weights wide = new Weights() {
            @Override
            public boolean has(String name) {
                return checkpoint.has(name);
            }

            @Override
            public long[] tensorShape(String name) {
                return checkpoint.tensorShape(name);
            }

            @Override
            public NDArray load(String name, NDManager manager) {
                return checkpoint.load(name, manager).toType(DataType.FLOAT64, false);
            }
        };
        int[][] all = new int[golden.texts().size()][];
        for (int i = 0; i < all.length; i++) {
            all[i] = Golden.ints(golden.text(i).getAsJsonArray("ids"));
        }
        Arrays.sort(all, Comparator.comparingInt(t -> -t.length));
        int[][] texts = {all[0], all[all.length - 1]};
        return new Float64Model(checkpoint,
                LanguageModel.load(checkpoint.config(), wide, Device.cpu(), ComputeDtype.F32, -1), texts);
    }

    @Override
    public void close() throws IOException {
        model.close();
        checkpoint.close();
    }
}
