package org.botsec.explain;

/** How {@link LimeImageExplainer} cuts an image into superpixels. */
public enum Segmentation {
    /** SLIC (Achanta et al. 2012): k-means on colour and position, a wanted number of compact segments. */
    SLIC,
    /**
     * Quick shift (Vedaldi &amp; Soatto 2008), as scikit-image's {@code quickshift} that lime uses by default: mode
     * seeking on a Parzen density in Lab colour and position; the number of segments follows from the kernel
     * size, maximum distance and ratio.
     */
    QUICKSHIFT
}
