package org.krunpack.rpm;

/** The header tags krunpack reads (numbers from rpm's {@code rpmtag.h}). */
public final class RpmTag {
    private RpmTag() {
    }

    public static final int NAME = 1000;
    public static final int VERSION = 1001;
    public static final int RELEASE = 1002;
    public static final int EPOCH = 1003;
    public static final int SUMMARY = 1004;
    public static final int DESCRIPTION = 1005;
    public static final int LICENSE = 1014;
    public static final int SOURCE = 1018;
    public static final int PATCH = 1019;
    public static final int URL = 1020;
    public static final int ARCH = 1022;
    public static final int PREIN = 1023;
    public static final int POSTIN = 1024;
    public static final int PREUN = 1025;
    public static final int POSTUN = 1026;
    public static final int FILESIZES = 1028;
    public static final int FILEMODES = 1030;
    public static final int FILELINKTOS = 1036;
    public static final int FILEFLAGS = 1037;
    public static final int SOURCERPM = 1044;
    public static final int PROVIDENAME = 1047;
    public static final int REQUIREFLAGS = 1048;
    public static final int REQUIRENAME = 1049;
    public static final int REQUIREVERSION = 1050;
    public static final int PREINPROG = 1085;
    public static final int POSTINPROG = 1086;
    public static final int PREUNPROG = 1087;
    public static final int POSTUNPROG = 1088;
    public static final int SOURCEPACKAGE = 1106;
    public static final int PROVIDEFLAGS = 1112;
    public static final int PROVIDEVERSION = 1113;
    public static final int DIRINDEXES = 1116;
    public static final int BASENAMES = 1117;
    public static final int DIRNAMES = 1118;
    public static final int PAYLOADFORMAT = 1124;
    public static final int PAYLOADCOMPRESSOR = 1125;
    public static final int LONGFILESIZES = 5008;

    /** Dependency sense flags ({@code RPMSENSE_*}). */
    public static final int SENSE_LESS = 0x02;
    public static final int SENSE_GREATER = 0x04;
    public static final int SENSE_EQUAL = 0x08;
    public static final int SENSE_RPMLIB = 1 << 24;

    /** File flags ({@code RPMFILE_*}). */
    public static final int FILE_CONFIG = 1;
    public static final int FILE_DOC = 1 << 1;
    public static final int FILE_GHOST = 1 << 6;
    public static final int FILE_LICENSE = 1 << 7;
}
