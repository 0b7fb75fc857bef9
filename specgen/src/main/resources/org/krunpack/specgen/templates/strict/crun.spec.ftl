<#import "/common.ftl" as c>
${generatedBy}

<@c.open sub["krun"]/>
%global krun_opts --with-libkrun
<@c.close sub["krun"]/>

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

<@c.buildRequireLines/>
<@c.open sub["krun"]/>
# configure --with-libkrun needs only libkrun.h (crun dlopen()s the library)
${c.tag("BuildRequires", "libkrun-devel")}
<@c.close sub["krun"]/>

%description
<@c.lines description/>

<@c.open sub["krun"]/>
<@c.package sub["krun"]>
<@c.requireLines sub["krun"].requires true/>
${c.tag("Requires", "%{name}%{?_isa} = %{?epoch:%{epoch}:}%{version}-%{release}")}
${c.tag("Provides", "krun = %{version}-%{release}")}
</@c.package>
<@c.close sub["krun"]/>

%prep
%autosetup -p1

%build
./autogen.sh
%configure --disable-silent-rules --disable-static %{?krun_opts}
%make_build

%install
%make_install
rm -f %{buildroot}%{_libdir}/libcrun.la %{buildroot}%{_libdir}/libcrun.a
rm -rf %{buildroot}%{_includedir} %{buildroot}%{_libdir}/libcrun.so*
<@c.open sub["krun"]/>
ln -s crun %{buildroot}%{_bindir}/krun
<@c.close sub["krun"]/>

%check
# No tests here: crun's test suite creates containers, which needs root,
# cgroups and user namespaces that the build environment does not grant.
: tests skipped, see the comment above

%files
<#list licenseFiles as f>
%license ${f}
</#list>
<#list docFiles as f>
%doc ${f}
</#list>
%{_bindir}/crun
%{_mandir}/man1/crun.1*

<@c.open sub["krun"]/>
%files krun
%{_bindir}/krun
%{_mandir}/man1/krun.1*
<@c.close sub["krun"]/>

<@c.changelogSection/>
