package org.toxiscope.features.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

/** {@code --dtype} values: parsed in any case, others refused by name; {@code auto} follows the device's bf16 support. */
class ComputeDtypeTest {

    @Test
    void parsesTheTwoDtypesAndRefusesOthersNamingTheFlag() {
        assertEquals(ComputeDtype.BF16, ComputeDtype.parse("BF16"));
        assertEquals(ComputeDtype.F32, ComputeDtype.parse("f32"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ComputeDtype.parse("fp16"));
        assertEquals("--dtype must be auto, bf16 or f32, not 'fp16'", e.getMessage());
        assertEquals(2, ComputeDtype.BF16.bytes());
        assertEquals(4, ComputeDtype.F32.bytes());
    }

    @Test
    void autoIsBf16ExactlyWhereTheCpuHasABf16MatrixFlag() {
        ComputeDtype expected = ComputeDtype.bf16CpuFlags().isEmpty() ? ComputeDtype.F32 : ComputeDtype.BF16;
        assertEquals(expected, ComputeDtype.choose("auto", Device.cpu()).dtype());
        assertEquals(ComputeDtype.F32, ComputeDtype.choose("f32", Device.cpu()).dtype());
        assertEquals(ComputeDtype.BF16, ComputeDtype.choose("bf16", Device.cpu()).dtype());
    }

    @Test
    void readsTheComputeCapabilityMajorAsDjlSpellsIt() {
        assertEquals(8, ComputeDtype.capabilityMajor("80"));
        assertEquals(8, ComputeDtype.capabilityMajor("8.6"));
        assertEquals(10, ComputeDtype.capabilityMajor("100"));
        assertEquals(7, ComputeDtype.capabilityMajor("75"));
        assertEquals(0, ComputeDtype.capabilityMajor("unknown"));
    }
}
