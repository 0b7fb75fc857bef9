<#import "/common.ftl" as c>
${generatedBy}

%if 0%{?fedora}
%ifarch ${sub["krun"].arches}
%global krun_opts --with-libkrun
%endif
%endif

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
%if %{defined krun_opts}
${c.tag("BuildRequires", "libkrun-devel")}
%endif

%description
<@c.lines description/>

%if %{defined krun_opts}
<@c.package sub["krun"]>
<@c.requireLines sub["krun"].requires false/>
${c.tag("Requires", "%{name} = %{?epoch:%{epoch}:}%{version}-%{release}")}
${c.tag("Provides", "krun = %{version}-%{release}")}
</@c.package>
%endif

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
%if %{defined krun_opts}
ln -s ../bin/crun %{buildroot}%{_bindir}/krun
%endif

%files
<#list licenseFiles as f>
%license ${f}
</#list>
<#list docFiles as f>
%doc ${f}
</#list>
%{_bindir}/crun
%{_mandir}/man1/crun.1*

%if %{defined krun_opts}
%files krun
%{_bindir}/krun
%{_mandir}/man1/krun.1*
%endif

<@c.changelogSection/>
