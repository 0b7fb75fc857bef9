<#import "/common.ftl" as c>
${generatedBy}

# The library's payload is a guest kernel stored as data: it has no debug
# information worth shipping, and upstream's Makefile strips the library.
%global debug_package %{nil}

%global kernel linux-${kernel}
%global abi ${abi}

<@c.bcondLines/>

${c.tag("Name", name)}
${c.tag("Version", version)}
${c.tag("Release", release)}
${c.tag("Summary", summary)}
${c.tag("License", license)}
${c.tag("URL", url)}
<@c.sourceLines/>
<#if patches?has_content>

<@c.patchLines/>
</#if>

<@c.lines arches.comment/>
${c.tag("ExclusiveArch", arches.list)}

<@c.buildRequireLines/>
# objdump and nm check the built library in the check section
${c.tag("BuildRequires", "binutils")}
<@c.extraLines "preamble"/>

%description
<@c.lines description/>

<@c.package sub["devel"]>
${c.tag("Requires", "%{name}%{?_isa} = %{version}-%{release}")}
</@c.package>

<@c.open sub["sev"]/>
<@c.package sub["sev"]/>

<@c.package sub["sev-devel"]>
${c.tag("Requires", "%{name}-sev%{?_isa} = %{version}-%{release}")}
</@c.package>
<@c.close sub["sev"]/>

<@c.open sub["tdx"]/>
<@c.package sub["tdx"]/>
<@c.close sub["tdx"]/>

%prep
%autosetup -p1
<@c.releasePatchLines/>
# upstream's Makefile takes the kernel tarball from tarballs/ (no download)
mkdir -p tarballs
cp -p %{SOURCE1} tarballs/
<@c.extraLines "prep"/>

%build
<@c.configResolve ""/>
# KERNEL_VERSION: the kernel this package bundles (krunpack.yaml's
# kernel.version), which may be newer than the one the release's Makefile names
%make_build KERNEL_VERSION=%{kernel}
<@c.open sub["sev"]/>
<@c.cleanVariant/>
<@c.configResolve "sev"/>
%make_build KERNEL_VERSION=%{kernel} SEV=1
# krunfw_measurement computes a SEV guest's launch measurement; built with
# Fedora's flags (upstream's utils/Makefile calls gcc without them); the "?"
# forms expand to nothing where rpm has no redhat-rpm-config (Debian's rpm)
%{__cc} %{?build_cflags} %{?build_ldflags} -o utils/krunfw_measurement \
  utils/krunfw_measurement.c -lcrypto
<@c.close sub["sev"]/>
<@c.open sub["tdx"]/>
<@c.cleanVariant/>
<@c.configResolve "tdx"/>
%make_build KERNEL_VERSION=%{kernel} TDX=1
<@c.close sub["tdx"]/>
<@c.extraLines "build"/>

%install
%make_install PREFIX=%{_prefix}
<@c.open sub["sev"]/>
%make_install PREFIX=%{_prefix} SEV=1
install -D -p -m 0755 utils/krunfw_measurement \
  %{buildroot}%{_bindir}/krunfw_measurement
<@c.close sub["sev"]/>
<@c.open sub["tdx"]/>
%make_install PREFIX=%{_prefix} TDX=1
# no -tdx-devel subpackage: nothing links against the TDX variant
rm -f %{buildroot}%{_libdir}/libkrunfw-tdx.so
<@c.close sub["tdx"]/>
<@c.extraLines "install"/>

%check
# The payload is a guest kernel that boots only inside a libkrun VM, which
# needs /dev/kvm (builders have none): check the library's ABI instead.
objdump -p %{buildroot}%{_libdir}/libkrunfw.so.%{version} \
  | grep -q 'SONAME *libkrunfw\.so\.%{abi}$'
nm -D --defined-only %{buildroot}%{_libdir}/libkrunfw.so.%{version} \
  | grep -q ' krunfw_get_kernel$'
<@c.open sub["sev"]/>
# the SEV variant carries its own firmware and initrd
nm -D --defined-only %{buildroot}%{_libdir}/libkrunfw-sev.so.%{version} \
  | grep -q ' krunfw_get_qboot$'
<@c.close sub["sev"]/>
<@c.extraLines "check"/>

%files
<#list licenseFiles as f>
%license ${f}
</#list>
<#list docFiles as f>
%doc ${f}
</#list>
%{_libdir}/libkrunfw.so.%{abi}
%{_libdir}/libkrunfw.so.%{version}

%files devel
%{_libdir}/libkrunfw.so

<@c.open sub["sev"]/>
%files sev
<#list licenseFiles as f>
%license ${f}
</#list>
%{_libdir}/libkrunfw-sev.so.%{abi}
%{_libdir}/libkrunfw-sev.so.%{version}
%{_bindir}/krunfw_measurement

%files sev-devel
%{_libdir}/libkrunfw-sev.so
<@c.close sub["sev"]/>

<@c.open sub["tdx"]/>
%files tdx
<#list licenseFiles as f>
%license ${f}
</#list>
%{_libdir}/libkrunfw-tdx.so.%{abi}
%{_libdir}/libkrunfw-tdx.so.%{version}
<@c.close sub["tdx"]/>

<@c.changelogSection/>
