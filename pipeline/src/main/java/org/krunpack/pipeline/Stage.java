package org.krunpack.pipeline;

/** How far a run of the spine goes; each stage includes the ones before it. */
public enum Stage {
    /** sources → tree → patches → config */
    CONFIG,
    /** ... → kernel build → bundle → verify-lib */
    BUILD,
    /** ... → smoke boot */
    SMOKE
}
