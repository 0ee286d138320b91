; Inno Setup 6 or 7 script: PropDesk-Setup-<version>.exe from the PyInstaller folder dist\PropDesk.
; Built by installer/build.py --iss (or .github/workflows/windows-installer.yml), which passes
;   /DAppVersion=<app/__init__.py __version__>  /DSourceDir=<dist\PropDesk>  /DOutputDir=<dist>
; so the version has one home. Per-machine install (Program Files, admin rights); the data folder
; C:\ProgramData\PropDesk is made writable for the counter's users and is NOT removed on
; uninstall (a counter's database and receipts outlive a re-install).

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\PropDesk"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif

[Setup]
; A fixed AppId: every version upgrades the same installation.
AppId={{6F1B6E0C-4C55-4B4B-9F0E-5D1A7C9E2B31}
AppName=PropDesk 物业前台收银台
AppVersion={#AppVersion}
AppVerName=PropDesk {#AppVersion}
AppPublisher=PropDesk
DefaultDirName={autopf}\PropDesk
DefaultGroupName=PropDesk
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#OutputDir}
OutputBaseFilename=PropDesk-Setup-{#AppVersion}
SetupIconFile=propdesk.ico
UninstallDisplayIcon={app}\PropDesk.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=auto

; Simplified Chinese is an official translation only from Inno Setup 7.0.2; older compilers
; (the 6.x on many build machines) have no Languages\ChineseSimplified.isl and stop with "File
; not found". Where the compiler lacks it, the translation kept beside this script is used (Inno
; Setup's user-contributed one, Files/Languages/Unofficial of jrsoftware/issrc at is-6_4_3).
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
  #define ChineseMessages "compiler:Languages\ChineseSimplified.isl"
#else
  #define ChineseMessages "ChineseSimplified.isl"
#endif

[Languages]
Name: "chinesesimplified"; MessagesFile: "{#ChineseMessages}"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Dirs]
; Per-machine data: one database for every Windows user of this counter PC. Kept on uninstall.
Name: "{commonappdata}\PropDesk"; Permissions: users-modify; Flags: uninsneveruninstall

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
; PROPDESK_DB is not set machine-wide: the shortcuts pass --db so every user opens the shared
; per-machine database in ProgramData.
Name: "{group}\PropDesk 物业前台收银台"; Filename: "{app}\PropDesk.exe"; \
  Parameters: "--db ""sqlite:///{commonappdata}\PropDesk\propdesk.db"""; WorkingDir: "{commonappdata}\PropDesk"
Name: "{group}\PropDesk 命令行 (CLI)"; Filename: "{cmd}"; \
  Parameters: "/k set ""PROPDESK_DB=sqlite:///{commonappdata}\PropDesk\propdesk.db"" && ""{app}\propdesk-cli.exe"" --help"; \
  WorkingDir: "{commonappdata}\PropDesk"
Name: "{group}\{cm:UninstallProgram,PropDesk}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\PropDesk 物业前台收银台"; Filename: "{app}\PropDesk.exe"; \
  Parameters: "--db ""sqlite:///{commonappdata}\PropDesk\propdesk.db"""; WorkingDir: "{commonappdata}\PropDesk"; \
  Tasks: desktopicon

[Run]
Filename: "{app}\PropDesk.exe"; Parameters: "--db ""sqlite:///{commonappdata}\PropDesk\propdesk.db"""; \
  Description: "{cm:LaunchProgram,PropDesk}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the program itself leaves in its own folder (byte-code caches); never ProgramData.
Type: filesandordirs; Name: "{app}\_internal\__pycache__"
