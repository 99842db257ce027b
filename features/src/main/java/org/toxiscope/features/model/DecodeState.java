package org.toxiscope.features.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;

/**
 * What incremental decoding carries between steps for a batch: the key/value cache of every attention layer
 * ([B, kvHeads, S, headDim]), the conv and recurrent state of every linear-attention layer, all owned by this state's
 * manager; which of the S key columns are real tokens, and each sequence's next position. Close it to free them.
 */
public final class DecodeState implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final NDArray[] convStates;
    private final NDArray[] recurrentStates;
    private boolean[][] valid;
    private final int[] next;
    private int length;

    DecodeState(NDManager parent, int batch, int layers) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
        this.convStates = new NDArray[layers];
        this.recurrentStates = new NDArray[layers];
        this.valid = new boolean[batch][0];
        this.next = new int[batch];
    }

    int length() {
        return length;
    }

    int nextPosition(int row) {
        return next[row];
    }

    boolean[] valid(int row) {
        return valid[row];
    }

    /** Appends this step's keys and values for {@code layer}; returns the full cache for attention. */
    NDArray[] append(int layer, NDArray k, NDArray v) {
        if (keys[layer] == null) {
            keys[layer] = k;
            values[layer] = v;
        } else {
            NDArray oldK = keys[layer];
            NDArray oldV = values[layer];
            keys[layer] = oldK.concat(k, 2);
            values[layer] = oldV.concat(v, 2);
            oldK.close();
            oldV.close();
        }
        keys[layer].attach(manager);
        values[layer].attach(manager);
        return new NDArray[] {keys[layer], values[layer]};
    }

    /** The conv state and recurrent state of linear-attention {@code layer}, or null before its first step. */
    NDArray[] linearState(int layer) {
        return convStates[layer] == null ? null : new NDArray[] {convStates[layer], recurrentStates[layer]};
    }

    /** Replaces the states of linear-attention {@code layer} with this step's (taken over by this state). */
    void setLinearState(int layer, NDArray conv, NDArray recurrent) {
        NDArray oldConv = convStates[layer];
        NDArray oldRecurrent = recurrentStates[layer];
        conv.attach(manager);
        recurrent.attach(manager);
        convStates[layer] = conv;
        recurrentStates[layer] = recurrent;
        if (oldConv != null) {
            oldConv.close();
            oldRecurrent.close();
        }
    }

    /** Records a finished step: its padding per row and width. */
    void advance(BatchLayout layout) {
        for (int b = 0; b < valid.length; b++) {
            boolean[] row = Arrays.copyOf(valid[b], length + layout.width());
            Arrays.fill(row, length + layout.padding()[b], length + layout.width(), true);
            valid[b] = row;
            next[b] += layout.width() - layout.padding()[b];
        }
        length += layout.width();
    }

    @Override
    public void close() {
        manager.close();
    }
}
