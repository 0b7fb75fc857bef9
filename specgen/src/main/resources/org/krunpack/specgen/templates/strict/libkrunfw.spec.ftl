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
# upstream's Makefile takes the kernel tarball from tarballs/ (no download)
mkdir -p tarballs
cp -p %{SOURCE1} tarballs/

%build
%make_build
<@c.open sub["sev"]/>
%make_build SEV=1
<@c.close sub["sev"]/>
<@c.open sub["tdx"]/>
%make_build TDX=1
<@c.close sub["tdx"]/>

%install
%make_install PREFIX=%{_prefix}
<@c.open sub["sev"]/>
%make_install PREFIX=%{_prefix} SEV=1
<@c.close sub["sev"]/>
<@c.open sub["tdx"]/>
%make_install PREFIX=%{_prefix} TDX=1
# no -tdx-devel subpackage: nothing links against the TDX variant
rm -f %{buildroot}%{_libdir}/libkrunfw-tdx.so
<@c.close sub["tdx"]/>

%check
# The payload is a guest kernel that boots only inside a libkrun VM, which
# needs /dev/kvm (builders have none): check the library's ABI instead.
objdump -p %{buildroot}%{_libdir}/libkrunfw.so.%{version} \
  | grep -q 'SONAME *libkrunfw\.so\.%{abi}$'
nm -D --defined-only %{buildroot}%{_libdir}/libkrunfw.so.%{version} \
  | grep -q ' krunfw_get_kernel$'

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
