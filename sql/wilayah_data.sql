-- Provinces and regencies/cities of Indonesia: Kemendagri codes (Kepmendagri 300.2.2-2138/2025,
-- Papua provinces as renumbered in 2022: 91 Papua ... 96 Papua Barat Daya). All 38 provinces and 514
-- regencies/cities. Regency ids run 1..N in code order; created_by 0 = installed by the bridge.

INSERT INTO {prefix}wi_provinces (id, code, name, created_by) VALUES
(1, '11', 'Aceh', 0),
(2, '12', 'Sumatera Utara', 0),
(3, '13', 'Sumatera Barat', 0),
(4, '14', 'Riau', 0),
(5, '15', 'Jambi', 0),
(6, '16', 'Sumatera Selatan', 0),
(7, '17', 'Bengkulu', 0),
(8, '18', 'Lampung', 0),
(9, '19', 'Kepulauan Bangka Belitung', 0),
(10, '21', 'Kepulauan Riau', 0),
(11, '31', 'DKI Jakarta', 0),
(12, '32', 'Jawa Barat', 0),
(13, '33', 'Jawa Tengah', 0),
(14, '34', 'DI Yogyakarta', 0),
(15, '35', 'Jawa Timur', 0),
(16, '36', 'Banten', 0),
(17, '51', 'Bali', 0),
(18, '52', 'Nusa Tenggara Barat', 0),
(19, '53', 'Nusa Tenggara Timur', 0),
(20, '61', 'Kalimantan Barat', 0),
(21, '62', 'Kalimantan Tengah', 0),
(22, '63', 'Kalimantan Selatan', 0),
(23, '64', 'Kalimantan Timur', 0),
(24, '65', 'Kalimantan Utara', 0),
(25, '71', 'Sulawesi Utara', 0),
(26, '72', 'Sulawesi Tengah', 0),
(27, '73', 'Sulawesi Selatan', 0),
(28, '74', 'Sulawesi Tenggara', 0),
(29, '75', 'Gorontalo', 0),
(30, '76', 'Sulawesi Barat', 0),
(31, '81', 'Maluku', 0),
(32, '82', 'Maluku Utara', 0),
(33, '91', 'Papua', 0),
(34, '92', 'Papua Barat', 0),
(35, '93', 'Papua Selatan', 0),
(36, '94', 'Papua Tengah', 0),
(37, '95', 'Papua Pegunungan', 0),
(38, '96', 'Papua Barat Daya', 0);

-- 11 Aceh
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(1, 1, '1101', 'Kabupaten Aceh Selatan', 'kabupaten', 0),
(2, 1, '1102', 'Kabupaten Aceh Tenggara', 'kabupaten', 0),
(3, 1, '1103', 'Kabupaten Aceh Timur', 'kabupaten', 0),
(4, 1, '1104', 'Kabupaten Aceh Tengah', 'kabupaten', 0),
(5, 1, '1105', 'Kabupaten Aceh Barat', 'kabupaten', 0),
(6, 1, '1106', 'Kabupaten Aceh Besar', 'kabupaten', 0),
(7, 1, '1107', 'Kabupaten Pidie', 'kabupaten', 0),
(8, 1, '1108', 'Kabupaten Aceh Utara', 'kabupaten', 0),
(9, 1, '1109', 'Kabupaten Simeulue', 'kabupaten', 0),
(10, 1, '1110', 'Kabupaten Aceh Singkil', 'kabupaten', 0),
(11, 1, '1111', 'Kabupaten Bireuen', 'kabupaten', 0),
(12, 1, '1112', 'Kabupaten Aceh Barat Daya', 'kabupaten', 0),
(13, 1, '1113', 'Kabupaten Gayo Lues', 'kabupaten', 0),
(14, 1, '1114', 'Kabupaten Aceh Jaya', 'kabupaten', 0),
(15, 1, '1115', 'Kabupaten Nagan Raya', 'kabupaten', 0),
(16, 1, '1116', 'Kabupaten Aceh Tamiang', 'kabupaten', 0),
(17, 1, '1117', 'Kabupaten Bener Meriah', 'kabupaten', 0),
(18, 1, '1118', 'Kabupaten Pidie Jaya', 'kabupaten', 0),
(19, 1, '1171', 'Kota Banda Aceh', 'kota', 0),
(20, 1, '1172', 'Kota Sabang', 'kota', 0),
(21, 1, '1173', 'Kota Lhokseumawe', 'kota', 0),
(22, 1, '1174', 'Kota Langsa', 'kota', 0),
(23, 1, '1175', 'Kota Subulussalam', 'kota', 0);

-- 12 Sumatera Utara
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(24, 2, '1201', 'Kabupaten Tapanuli Tengah', 'kabupaten', 0),
(25, 2, '1202', 'Kabupaten Tapanuli Utara', 'kabupaten', 0),
(26, 2, '1203', 'Kabupaten Tapanuli Selatan', 'kabupaten', 0),
(27, 2, '1204', 'Kabupaten Nias', 'kabupaten', 0),
(28, 2, '1205', 'Kabupaten Langkat', 'kabupaten', 0),
(29, 2, '1206', 'Kabupaten Karo', 'kabupaten', 0),
(30, 2, '1207', 'Kabupaten Deli Serdang', 'kabupaten', 0),
(31, 2, '1208', 'Kabupaten Simalungun', 'kabupaten', 0),
(32, 2, '1209', 'Kabupaten Asahan', 'kabupaten', 0),
(33, 2, '1210', 'Kabupaten Labuhanbatu', 'kabupaten', 0),
(34, 2, '1211', 'Kabupaten Dairi', 'kabupaten', 0),
(35, 2, '1212', 'Kabupaten Toba', 'kabupaten', 0),
(36, 2, '1213', 'Kabupaten Mandailing Natal', 'kabupaten', 0),
(37, 2, '1214', 'Kabupaten Nias Selatan', 'kabupaten', 0),
(38, 2, '1215', 'Kabupaten Pakpak Bharat', 'kabupaten', 0),
(39, 2, '1216', 'Kabupaten Humbang Hasundutan', 'kabupaten', 0),
(40, 2, '1217', 'Kabupaten Samosir', 'kabupaten', 0),
(41, 2, '1218', 'Kabupaten Serdang Bedagai', 'kabupaten', 0),
(42, 2, '1219', 'Kabupaten Batu Bara', 'kabupaten', 0),
(43, 2, '1220', 'Kabupaten Padang Lawas Utara', 'kabupaten', 0),
(44, 2, '1221', 'Kabupaten Padang Lawas', 'kabupaten', 0),
(45, 2, '1222', 'Kabupaten Labuhanbatu Selatan', 'kabupaten', 0),
(46, 2, '1223', 'Kabupaten Labuhanbatu Utara', 'kabupaten', 0),
(47, 2, '1224', 'Kabupaten Nias Utara', 'kabupaten', 0),
(48, 2, '1225', 'Kabupaten Nias Barat', 'kabupaten', 0),
(49, 2, '1271', 'Kota Medan', 'kota', 0),
(50, 2, '1272', 'Kota Pematang Siantar', 'kota', 0),
(51, 2, '1273', 'Kota Sibolga', 'kota', 0),
(52, 2, '1274', 'Kota Tanjungbalai', 'kota', 0),
(53, 2, '1275', 'Kota Binjai', 'kota', 0),
(54, 2, '1276', 'Kota Tebing Tinggi', 'kota', 0),
(55, 2, '1277', 'Kota Padangsidimpuan', 'kota', 0),
(56, 2, '1278', 'Kota Gunungsitoli', 'kota', 0);

-- 13 Sumatera Barat
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(57, 3, '1301', 'Kabupaten Pesisir Selatan', 'kabupaten', 0),
(58, 3, '1302', 'Kabupaten Solok', 'kabupaten', 0),
(59, 3, '1303', 'Kabupaten Sijunjung', 'kabupaten', 0),
(60, 3, '1304', 'Kabupaten Tanah Datar', 'kabupaten', 0),
(61, 3, '1305', 'Kabupaten Padang Pariaman', 'kabupaten', 0),
(62, 3, '1306', 'Kabupaten Agam', 'kabupaten', 0),
(63, 3, '1307', 'Kabupaten Lima Puluh Kota', 'kabupaten', 0),
(64, 3, '1308', 'Kabupaten Pasaman', 'kabupaten', 0),
(65, 3, '1309', 'Kabupaten Kepulauan Mentawai', 'kabupaten', 0),
(66, 3, '1310', 'Kabupaten Dharmasraya', 'kabupaten', 0),
(67, 3, '1311', 'Kabupaten Solok Selatan', 'kabupaten', 0),
(68, 3, '1312', 'Kabupaten Pasaman Barat', 'kabupaten', 0),
(69, 3, '1371', 'Kota Padang', 'kota', 0),
(70, 3, '1372', 'Kota Solok', 'kota', 0),
(71, 3, '1373', 'Kota Sawahlunto', 'kota', 0),
(72, 3, '1374', 'Kota Padang Panjang', 'kota', 0),
(73, 3, '1375', 'Kota Bukittinggi', 'kota', 0),
(74, 3, '1376', 'Kota Payakumbuh', 'kota', 0),
(75, 3, '1377', 'Kota Pariaman', 'kota', 0);

-- 14 Riau
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(76, 4, '1401', 'Kabupaten Kampar', 'kabupaten', 0),
(77, 4, '1402', 'Kabupaten Indragiri Hulu', 'kabupaten', 0),
(78, 4, '1403', 'Kabupaten Bengkalis', 'kabupaten', 0),
(79, 4, '1404', 'Kabupaten Indragiri Hilir', 'kabupaten', 0),
(80, 4, '1405', 'Kabupaten Pelalawan', 'kabupaten', 0),
(81, 4, '1406', 'Kabupaten Rokan Hulu', 'kabupaten', 0),
(82, 4, '1407', 'Kabupaten Rokan Hilir', 'kabupaten', 0),
(83, 4, '1408', 'Kabupaten Siak', 'kabupaten', 0),
(84, 4, '1409', 'Kabupaten Kuantan Singingi', 'kabupaten', 0),
(85, 4, '1410', 'Kabupaten Kepulauan Meranti', 'kabupaten', 0),
(86, 4, '1471', 'Kota Pekanbaru', 'kota', 0),
(87, 4, '1472', 'Kota Dumai', 'kota', 0);

-- 15 Jambi
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(88, 5, '1501', 'Kabupaten Kerinci', 'kabupaten', 0),
(89, 5, '1502', 'Kabupaten Merangin', 'kabupaten', 0),
(90, 5, '1503', 'Kabupaten Sarolangun', 'kabupaten', 0),
(91, 5, '1504', 'Kabupaten Batanghari', 'kabupaten', 0),
(92, 5, '1505', 'Kabupaten Muaro Jambi', 'kabupaten', 0),
(93, 5, '1506', 'Kabupaten Tanjung Jabung Barat', 'kabupaten', 0),
(94, 5, '1507', 'Kabupaten Tanjung Jabung Timur', 'kabupaten', 0),
(95, 5, '1508', 'Kabupaten Bungo', 'kabupaten', 0),
(96, 5, '1509', 'Kabupaten Tebo', 'kabupaten', 0),
(97, 5, '1571', 'Kota Jambi', 'kota', 0),
(98, 5, '1572', 'Kota Sungai Penuh', 'kota', 0);

-- 16 Sumatera Selatan
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(99, 6, '1601', 'Kabupaten Ogan Komering Ulu', 'kabupaten', 0),
(100, 6, '1602', 'Kabupaten Ogan Komering Ilir', 'kabupaten', 0),
(101, 6, '1603', 'Kabupaten Muara Enim', 'kabupaten', 0),
(102, 6, '1604', 'Kabupaten Lahat', 'kabupaten', 0),
(103, 6, '1605', 'Kabupaten Musi Rawas', 'kabupaten', 0),
(104, 6, '1606', 'Kabupaten Musi Banyuasin', 'kabupaten', 0),
(105, 6, '1607', 'Kabupaten Banyuasin', 'kabupaten', 0),
(106, 6, '1608', 'Kabupaten Ogan Komering Ulu Timur', 'kabupaten', 0),
(107, 6, '1609', 'Kabupaten Ogan Komering Ulu Selatan', 'kabupaten', 0),
(108, 6, '1610', 'Kabupaten Ogan Ilir', 'kabupaten', 0),
(109, 6, '1611', 'Kabupaten Empat Lawang', 'kabupaten', 0),
(110, 6, '1612', 'Kabupaten Penukal Abab Lematang Ilir', 'kabupaten', 0),
(111, 6, '1613', 'Kabupaten Musi Rawas Utara', 'kabupaten', 0),
(112, 6, '1671', 'Kota Palembang', 'kota', 0),
(113, 6, '1672', 'Kota Pagar Alam', 'kota', 0),
(114, 6, '1673', 'Kota Lubuk Linggau', 'kota', 0),
(115, 6, '1674', 'Kota Prabumulih', 'kota', 0);

-- 17 Bengkulu
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(116, 7, '1701', 'Kabupaten Bengkulu Selatan', 'kabupaten', 0),
(117, 7, '1702', 'Kabupaten Rejang Lebong', 'kabupaten', 0),
(118, 7, '1703', 'Kabupaten Bengkulu Utara', 'kabupaten', 0),
(119, 7, '1704', 'Kabupaten Kaur', 'kabupaten', 0),
(120, 7, '1705', 'Kabupaten Seluma', 'kabupaten', 0),
(121, 7, '1706', 'Kabupaten Mukomuko', 'kabupaten', 0),
(122, 7, '1707', 'Kabupaten Lebong', 'kabupaten', 0),
(123, 7, '1708', 'Kabupaten Kepahiang', 'kabupaten', 0),
(124, 7, '1709', 'Kabupaten Bengkulu Tengah', 'kabupaten', 0),
(125, 7, '1771', 'Kota Bengkulu', 'kota', 0);

-- 18 Lampung
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(126, 8, '1801', 'Kabupaten Lampung Selatan', 'kabupaten', 0),
(127, 8, '1802', 'Kabupaten Lampung Tengah', 'kabupaten', 0),
(128, 8, '1803', 'Kabupaten Lampung Utara', 'kabupaten', 0),
(129, 8, '1804', 'Kabupaten Lampung Barat', 'kabupaten', 0),
(130, 8, '1805', 'Kabupaten Tulang Bawang', 'kabupaten', 0),
(131, 8, '1806', 'Kabupaten Tanggamus', 'kabupaten', 0),
(132, 8, '1807', 'Kabupaten Lampung Timur', 'kabupaten', 0),
(133, 8, '1808', 'Kabupaten Way Kanan', 'kabupaten', 0),
(134, 8, '1809', 'Kabupaten Pesawaran', 'kabupaten', 0),
(135, 8, '1810', 'Kabupaten Pringsewu', 'kabupaten', 0),
(136, 8, '1811', 'Kabupaten Mesuji', 'kabupaten', 0),
(137, 8, '1812', 'Kabupaten Tulang Bawang Barat', 'kabupaten', 0),
(138, 8, '1813', 'Kabupaten Pesisir Barat', 'kabupaten', 0),
(139, 8, '1871', 'Kota Bandar Lampung', 'kota', 0),
(140, 8, '1872', 'Kota Metro', 'kota', 0);

-- 19 Kepulauan Bangka Belitung
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(141, 9, '1901', 'Kabupaten Bangka', 'kabupaten', 0),
(142, 9, '1902', 'Kabupaten Belitung', 'kabupaten', 0),
(143, 9, '1903', 'Kabupaten Bangka Selatan', 'kabupaten', 0),
(144, 9, '1904', 'Kabupaten Bangka Tengah', 'kabupaten', 0),
(145, 9, '1905', 'Kabupaten Bangka Barat', 'kabupaten', 0),
(146, 9, '1906', 'Kabupaten Belitung Timur', 'kabupaten', 0),
(147, 9, '1971', 'Kota Pangkalpinang', 'kota', 0);

-- 21 Kepulauan Riau
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(148, 10, '2101', 'Kabupaten Bintan', 'kabupaten', 0),
(149, 10, '2102', 'Kabupaten Karimun', 'kabupaten', 0),
(150, 10, '2103', 'Kabupaten Natuna', 'kabupaten', 0),
(151, 10, '2104', 'Kabupaten Lingga', 'kabupaten', 0),
(152, 10, '2105', 'Kabupaten Kepulauan Anambas', 'kabupaten', 0),
(153, 10, '2171', 'Kota Batam', 'kota', 0),
(154, 10, '2172', 'Kota Tanjungpinang', 'kota', 0);

-- 31 DKI Jakarta
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(155, 11, '3101', 'Kabupaten Kepulauan Seribu', 'kabupaten', 0),
(156, 11, '3171', 'Kota Jakarta Pusat', 'kota', 0),
(157, 11, '3172', 'Kota Jakarta Utara', 'kota', 0),
(158, 11, '3173', 'Kota Jakarta Barat', 'kota', 0),
(159, 11, '3174', 'Kota Jakarta Selatan', 'kota', 0),
(160, 11, '3175', 'Kota Jakarta Timur', 'kota', 0);

-- 32 Jawa Barat
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(161, 12, '3201', 'Kabupaten Bogor', 'kabupaten', 0),
(162, 12, '3202', 'Kabupaten Sukabumi', 'kabupaten', 0),
(163, 12, '3203', 'Kabupaten Cianjur', 'kabupaten', 0),
(164, 12, '3204', 'Kabupaten Bandung', 'kabupaten', 0),
(165, 12, '3205', 'Kabupaten Garut', 'kabupaten', 0),
(166, 12, '3206', 'Kabupaten Tasikmalaya', 'kabupaten', 0),
(167, 12, '3207', 'Kabupaten Ciamis', 'kabupaten', 0),
(168, 12, '3208', 'Kabupaten Kuningan', 'kabupaten', 0),
(169, 12, '3209', 'Kabupaten Cirebon', 'kabupaten', 0),
(170, 12, '3210', 'Kabupaten Majalengka', 'kabupaten', 0),
(171, 12, '3211', 'Kabupaten Sumedang', 'kabupaten', 0),
(172, 12, '3212', 'Kabupaten Indramayu', 'kabupaten', 0),
(173, 12, '3213', 'Kabupaten Subang', 'kabupaten', 0),
(174, 12, '3214', 'Kabupaten Purwakarta', 'kabupaten', 0),
(175, 12, '3215', 'Kabupaten Karawang', 'kabupaten', 0),
(176, 12, '3216', 'Kabupaten Bekasi', 'kabupaten', 0),
(177, 12, '3217', 'Kabupaten Bandung Barat', 'kabupaten', 0),
(178, 12, '3218', 'Kabupaten Pangandaran', 'kabupaten', 0),
(179, 12, '3271', 'Kota Bogor', 'kota', 0),
(180, 12, '3272', 'Kota Sukabumi', 'kota', 0),
(181, 12, '3273', 'Kota Bandung', 'kota', 0),
(182, 12, '3274', 'Kota Cirebon', 'kota', 0),
(183, 12, '3275', 'Kota Bekasi', 'kota', 0),
(184, 12, '3276', 'Kota Depok', 'kota', 0),
(185, 12, '3277', 'Kota Cimahi', 'kota', 0),
(186, 12, '3278', 'Kota Tasikmalaya', 'kota', 0),
(187, 12, '3279', 'Kota Banjar', 'kota', 0);

-- 33 Jawa Tengah
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(188, 13, '3301', 'Kabupaten Cilacap', 'kabupaten', 0),
(189, 13, '3302', 'Kabupaten Banyumas', 'kabupaten', 0),
(190, 13, '3303', 'Kabupaten Purbalingga', 'kabupaten', 0),
(191, 13, '3304', 'Kabupaten Banjarnegara', 'kabupaten', 0),
(192, 13, '3305', 'Kabupaten Kebumen', 'kabupaten', 0),
(193, 13, '3306', 'Kabupaten Purworejo', 'kabupaten', 0),
(194, 13, '3307', 'Kabupaten Wonosobo', 'kabupaten', 0),
(195, 13, '3308', 'Kabupaten Magelang', 'kabupaten', 0),
(196, 13, '3309', 'Kabupaten Boyolali', 'kabupaten', 0),
(197, 13, '3310', 'Kabupaten Klaten', 'kabupaten', 0),
(198, 13, '3311', 'Kabupaten Sukoharjo', 'kabupaten', 0),
(199, 13, '3312', 'Kabupaten Wonogiri', 'kabupaten', 0),
(200, 13, '3313', 'Kabupaten Karanganyar', 'kabupaten', 0),
(201, 13, '3314', 'Kabupaten Sragen', 'kabupaten', 0),
(202, 13, '3315', 'Kabupaten Grobogan', 'kabupaten', 0),
(203, 13, '3316', 'Kabupaten Blora', 'kabupaten', 0),
(204, 13, '3317', 'Kabupaten Rembang', 'kabupaten', 0),
(205, 13, '3318', 'Kabupaten Pati', 'kabupaten', 0),
(206, 13, '3319', 'Kabupaten Kudus', 'kabupaten', 0),
(207, 13, '3320', 'Kabupaten Jepara', 'kabupaten', 0),
(208, 13, '3321', 'Kabupaten Demak', 'kabupaten', 0),
(209, 13, '3322', 'Kabupaten Semarang', 'kabupaten', 0),
(210, 13, '3323', 'Kabupaten Temanggung', 'kabupaten', 0),
(211, 13, '3324', 'Kabupaten Kendal', 'kabupaten', 0),
(212, 13, '3325', 'Kabupaten Batang', 'kabupaten', 0),
(213, 13, '3326', 'Kabupaten Pekalongan', 'kabupaten', 0),
(214, 13, '3327', 'Kabupaten Pemalang', 'kabupaten', 0),
(215, 13, '3328', 'Kabupaten Tegal', 'kabupaten', 0),
(216, 13, '3329', 'Kabupaten Brebes', 'kabupaten', 0),
(217, 13, '3371', 'Kota Magelang', 'kota', 0),
(218, 13, '3372', 'Kota Surakarta', 'kota', 0),
(219, 13, '3373', 'Kota Salatiga', 'kota', 0),
(220, 13, '3374', 'Kota Semarang', 'kota', 0),
(221, 13, '3375', 'Kota Pekalongan', 'kota', 0),
(222, 13, '3376', 'Kota Tegal', 'kota', 0);

-- 34 DI Yogyakarta
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(223, 14, '3401', 'Kabupaten Kulon Progo', 'kabupaten', 0),
(224, 14, '3402', 'Kabupaten Bantul', 'kabupaten', 0),
(225, 14, '3403', 'Kabupaten Gunungkidul', 'kabupaten', 0),
(226, 14, '3404', 'Kabupaten Sleman', 'kabupaten', 0),
(227, 14, '3471', 'Kota Yogyakarta', 'kota', 0);

-- 35 Jawa Timur
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(228, 15, '3501', 'Kabupaten Pacitan', 'kabupaten', 0),
(229, 15, '3502', 'Kabupaten Ponorogo', 'kabupaten', 0),
(230, 15, '3503', 'Kabupaten Trenggalek', 'kabupaten', 0),
(231, 15, '3504', 'Kabupaten Tulungagung', 'kabupaten', 0),
(232, 15, '3505', 'Kabupaten Blitar', 'kabupaten', 0),
(233, 15, '3506', 'Kabupaten Kediri', 'kabupaten', 0),
(234, 15, '3507', 'Kabupaten Malang', 'kabupaten', 0),
(235, 15, '3508', 'Kabupaten Lumajang', 'kabupaten', 0),
(236, 15, '3509', 'Kabupaten Jember', 'kabupaten', 0),
(237, 15, '3510', 'Kabupaten Banyuwangi', 'kabupaten', 0),
(238, 15, '3511', 'Kabupaten Bondowoso', 'kabupaten', 0),
(239, 15, '3512', 'Kabupaten Situbondo', 'kabupaten', 0),
(240, 15, '3513', 'Kabupaten Probolinggo', 'kabupaten', 0),
(241, 15, '3514', 'Kabupaten Pasuruan', 'kabupaten', 0),
(242, 15, '3515', 'Kabupaten Sidoarjo', 'kabupaten', 0),
(243, 15, '3516', 'Kabupaten Mojokerto', 'kabupaten', 0),
(244, 15, '3517', 'Kabupaten Jombang', 'kabupaten', 0),
(245, 15, '3518', 'Kabupaten Nganjuk', 'kabupaten', 0),
(246, 15, '3519', 'Kabupaten Madiun', 'kabupaten', 0),
(247, 15, '3520', 'Kabupaten Magetan', 'kabupaten', 0),
(248, 15, '3521', 'Kabupaten Ngawi', 'kabupaten', 0),
(249, 15, '3522', 'Kabupaten Bojonegoro', 'kabupaten', 0),
(250, 15, '3523', 'Kabupaten Tuban', 'kabupaten', 0),
(251, 15, '3524', 'Kabupaten Lamongan', 'kabupaten', 0),
(252, 15, '3525', 'Kabupaten Gresik', 'kabupaten', 0),
(253, 15, '3526', 'Kabupaten Bangkalan', 'kabupaten', 0),
(254, 15, '3527', 'Kabupaten Sampang', 'kabupaten', 0),
(255, 15, '3528', 'Kabupaten Pamekasan', 'kabupaten', 0),
(256, 15, '3529', 'Kabupaten Sumenep', 'kabupaten', 0),
(257, 15, '3571', 'Kota Kediri', 'kota', 0),
(258, 15, '3572', 'Kota Blitar', 'kota', 0),
(259, 15, '3573', 'Kota Malang', 'kota', 0),
(260, 15, '3574', 'Kota Probolinggo', 'kota', 0),
(261, 15, '3575', 'Kota Pasuruan', 'kota', 0),
(262, 15, '3576', 'Kota Mojokerto', 'kota', 0),
(263, 15, '3577', 'Kota Madiun', 'kota', 0),
(264, 15, '3578', 'Kota Surabaya', 'kota', 0),
(265, 15, '3579', 'Kota Batu', 'kota', 0);

-- 36 Banten
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(266, 16, '3601', 'Kabupaten Pandeglang', 'kabupaten', 0),
(267, 16, '3602', 'Kabupaten Lebak', 'kabupaten', 0),
(268, 16, '3603', 'Kabupaten Tangerang', 'kabupaten', 0),
(269, 16, '3604', 'Kabupaten Serang', 'kabupaten', 0),
(270, 16, '3671', 'Kota Tangerang', 'kota', 0),
(271, 16, '3672', 'Kota Cilegon', 'kota', 0),
(272, 16, '3673', 'Kota Serang', 'kota', 0),
(273, 16, '3674', 'Kota Tangerang Selatan', 'kota', 0);

-- 51 Bali
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(274, 17, '5101', 'Kabupaten Jembrana', 'kabupaten', 0),
(275, 17, '5102', 'Kabupaten Tabanan', 'kabupaten', 0),
(276, 17, '5103', 'Kabupaten Badung', 'kabupaten', 0),
(277, 17, '5104', 'Kabupaten Gianyar', 'kabupaten', 0),
(278, 17, '5105', 'Kabupaten Klungkung', 'kabupaten', 0),
(279, 17, '5106', 'Kabupaten Bangli', 'kabupaten', 0),
(280, 17, '5107', 'Kabupaten Karangasem', 'kabupaten', 0),
(281, 17, '5108', 'Kabupaten Buleleng', 'kabupaten', 0),
(282, 17, '5171', 'Kota Denpasar', 'kota', 0);

-- 52 Nusa Tenggara Barat
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(283, 18, '5201', 'Kabupaten Lombok Barat', 'kabupaten', 0),
(284, 18, '5202', 'Kabupaten Lombok Tengah', 'kabupaten', 0),
(285, 18, '5203', 'Kabupaten Lombok Timur', 'kabupaten', 0),
(286, 18, '5204', 'Kabupaten Sumbawa', 'kabupaten', 0),
(287, 18, '5205', 'Kabupaten Dompu', 'kabupaten', 0),
(288, 18, '5206', 'Kabupaten Bima', 'kabupaten', 0),
(289, 18, '5207', 'Kabupaten Sumbawa Barat', 'kabupaten', 0),
(290, 18, '5208', 'Kabupaten Lombok Utara', 'kabupaten', 0),
(291, 18, '5271', 'Kota Mataram', 'kota', 0),
(292, 18, '5272', 'Kota Bima', 'kota', 0);

-- 53 Nusa Tenggara Timur
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(293, 19, '5301', 'Kabupaten Kupang', 'kabupaten', 0),
(294, 19, '5302', 'Kabupaten Timor Tengah Selatan', 'kabupaten', 0),
(295, 19, '5303', 'Kabupaten Timor Tengah Utara', 'kabupaten', 0),
(296, 19, '5304', 'Kabupaten Belu', 'kabupaten', 0),
(297, 19, '5305', 'Kabupaten Alor', 'kabupaten', 0),
(298, 19, '5306', 'Kabupaten Flores Timur', 'kabupaten', 0),
(299, 19, '5307', 'Kabupaten Sikka', 'kabupaten', 0),
(300, 19, '5308', 'Kabupaten Ende', 'kabupaten', 0),
(301, 19, '5309', 'Kabupaten Ngada', 'kabupaten', 0),
(302, 19, '5310', 'Kabupaten Manggarai', 'kabupaten', 0),
(303, 19, '5311', 'Kabupaten Sumba Timur', 'kabupaten', 0),
(304, 19, '5312', 'Kabupaten Sumba Barat', 'kabupaten', 0),
(305, 19, '5313', 'Kabupaten Lembata', 'kabupaten', 0),
(306, 19, '5314', 'Kabupaten Rote Ndao', 'kabupaten', 0),
(307, 19, '5315', 'Kabupaten Manggarai Barat', 'kabupaten', 0),
(308, 19, '5316', 'Kabupaten Nagekeo', 'kabupaten', 0),
(309, 19, '5317', 'Kabupaten Sumba Tengah', 'kabupaten', 0),
(310, 19, '5318', 'Kabupaten Sumba Barat Daya', 'kabupaten', 0),
(311, 19, '5319', 'Kabupaten Manggarai Timur', 'kabupaten', 0),
(312, 19, '5320', 'Kabupaten Sabu Raijua', 'kabupaten', 0),
(313, 19, '5321', 'Kabupaten Malaka', 'kabupaten', 0),
(314, 19, '5371', 'Kota Kupang', 'kota', 0);

-- 61 Kalimantan Barat
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(315, 20, '6101', 'Kabupaten Sambas', 'kabupaten', 0),
(316, 20, '6102', 'Kabupaten Mempawah', 'kabupaten', 0),
(317, 20, '6103', 'Kabupaten Sanggau', 'kabupaten', 0),
(318, 20, '6104', 'Kabupaten Ketapang', 'kabupaten', 0),
(319, 20, '6105', 'Kabupaten Sintang', 'kabupaten', 0),
(320, 20, '6106', 'Kabupaten Kapuas Hulu', 'kabupaten', 0),
(321, 20, '6107', 'Kabupaten Bengkayang', 'kabupaten', 0),
(322, 20, '6108', 'Kabupaten Landak', 'kabupaten', 0),
(323, 20, '6109', 'Kabupaten Sekadau', 'kabupaten', 0),
(324, 20, '6110', 'Kabupaten Melawi', 'kabupaten', 0),
(325, 20, '6111', 'Kabupaten Kayong Utara', 'kabupaten', 0),
(326, 20, '6112', 'Kabupaten Kubu Raya', 'kabupaten', 0),
(327, 20, '6171', 'Kota Pontianak', 'kota', 0),
(328, 20, '6172', 'Kota Singkawang', 'kota', 0);

-- 62 Kalimantan Tengah
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(329, 21, '6201', 'Kabupaten Kotawaringin Barat', 'kabupaten', 0),
(330, 21, '6202', 'Kabupaten Kotawaringin Timur', 'kabupaten', 0),
(331, 21, '6203', 'Kabupaten Kapuas', 'kabupaten', 0),
(332, 21, '6204', 'Kabupaten Barito Selatan', 'kabupaten', 0),
(333, 21, '6205', 'Kabupaten Barito Utara', 'kabupaten', 0),
(334, 21, '6206', 'Kabupaten Katingan', 'kabupaten', 0),
(335, 21, '6207', 'Kabupaten Seruyan', 'kabupaten', 0),
(336, 21, '6208', 'Kabupaten Sukamara', 'kabupaten', 0),
(337, 21, '6209', 'Kabupaten Lamandau', 'kabupaten', 0),
(338, 21, '6210', 'Kabupaten Gunung Mas', 'kabupaten', 0),
(339, 21, '6211', 'Kabupaten Pulang Pisau', 'kabupaten', 0),
(340, 21, '6212', 'Kabupaten Murung Raya', 'kabupaten', 0),
(341, 21, '6213', 'Kabupaten Barito Timur', 'kabupaten', 0),
(342, 21, '6271', 'Kota Palangka Raya', 'kota', 0);

-- 63 Kalimantan Selatan
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(343, 22, '6301', 'Kabupaten Tanah Laut', 'kabupaten', 0),
(344, 22, '6302', 'Kabupaten Kotabaru', 'kabupaten', 0),
(345, 22, '6303', 'Kabupaten Banjar', 'kabupaten', 0),
(346, 22, '6304', 'Kabupaten Barito Kuala', 'kabupaten', 0),
(347, 22, '6305', 'Kabupaten Tapin', 'kabupaten', 0),
(348, 22, '6306', 'Kabupaten Hulu Sungai Selatan', 'kabupaten', 0),
(349, 22, '6307', 'Kabupaten Hulu Sungai Tengah', 'kabupaten', 0),
(350, 22, '6308', 'Kabupaten Hulu Sungai Utara', 'kabupaten', 0),
(351, 22, '6309', 'Kabupaten Tabalong', 'kabupaten', 0),
(352, 22, '6310', 'Kabupaten Tanah Bumbu', 'kabupaten', 0),
(353, 22, '6311', 'Kabupaten Balangan', 'kabupaten', 0),
(354, 22, '6371', 'Kota Banjarmasin', 'kota', 0),
(355, 22, '6372', 'Kota Banjarbaru', 'kota', 0);

-- 64 Kalimantan Timur
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(356, 23, '6401', 'Kabupaten Paser', 'kabupaten', 0),
(357, 23, '6402', 'Kabupaten Kutai Kartanegara', 'kabupaten', 0),
(358, 23, '6403', 'Kabupaten Berau', 'kabupaten', 0),
(359, 23, '6407', 'Kabupaten Kutai Barat', 'kabupaten', 0),
(360, 23, '6408', 'Kabupaten Kutai Timur', 'kabupaten', 0),
(361, 23, '6409', 'Kabupaten Penajam Paser Utara', 'kabupaten', 0),
(362, 23, '6411', 'Kabupaten Mahakam Ulu', 'kabupaten', 0),
(363, 23, '6471', 'Kota Balikpapan', 'kota', 0),
(364, 23, '6472', 'Kota Samarinda', 'kota', 0),
(365, 23, '6474', 'Kota Bontang', 'kota', 0);

-- 65 Kalimantan Utara
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(366, 24, '6501', 'Kabupaten Bulungan', 'kabupaten', 0),
(367, 24, '6502', 'Kabupaten Malinau', 'kabupaten', 0),
(368, 24, '6503', 'Kabupaten Nunukan', 'kabupaten', 0),
(369, 24, '6504', 'Kabupaten Tana Tidung', 'kabupaten', 0),
(370, 24, '6571', 'Kota Tarakan', 'kota', 0);

-- 71 Sulawesi Utara
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(371, 25, '7101', 'Kabupaten Bolaang Mongondow', 'kabupaten', 0),
(372, 25, '7102', 'Kabupaten Minahasa', 'kabupaten', 0),
(373, 25, '7103', 'Kabupaten Kepulauan Sangihe', 'kabupaten', 0),
(374, 25, '7104', 'Kabupaten Kepulauan Talaud', 'kabupaten', 0),
(375, 25, '7105', 'Kabupaten Minahasa Selatan', 'kabupaten', 0),
(376, 25, '7106', 'Kabupaten Minahasa Utara', 'kabupaten', 0),
(377, 25, '7107', 'Kabupaten Minahasa Tenggara', 'kabupaten', 0),
(378, 25, '7108', 'Kabupaten Bolaang Mongondow Utara', 'kabupaten', 0),
(379, 25, '7109', 'Kabupaten Kepulauan Siau Tagulandang Biaro', 'kabupaten', 0),
(380, 25, '7110', 'Kabupaten Bolaang Mongondow Timur', 'kabupaten', 0),
(381, 25, '7111', 'Kabupaten Bolaang Mongondow Selatan', 'kabupaten', 0),
(382, 25, '7171', 'Kota Manado', 'kota', 0),
(383, 25, '7172', 'Kota Bitung', 'kota', 0),
(384, 25, '7173', 'Kota Tomohon', 'kota', 0),
(385, 25, '7174', 'Kota Kotamobagu', 'kota', 0);

-- 72 Sulawesi Tengah
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(386, 26, '7201', 'Kabupaten Banggai', 'kabupaten', 0),
(387, 26, '7202', 'Kabupaten Poso', 'kabupaten', 0),
(388, 26, '7203', 'Kabupaten Donggala', 'kabupaten', 0),
(389, 26, '7204', 'Kabupaten Tolitoli', 'kabupaten', 0),
(390, 26, '7205', 'Kabupaten Buol', 'kabupaten', 0),
(391, 26, '7206', 'Kabupaten Morowali', 'kabupaten', 0),
(392, 26, '7207', 'Kabupaten Banggai Kepulauan', 'kabupaten', 0),
(393, 26, '7208', 'Kabupaten Parigi Moutong', 'kabupaten', 0),
(394, 26, '7209', 'Kabupaten Tojo Una-Una', 'kabupaten', 0),
(395, 26, '7210', 'Kabupaten Sigi', 'kabupaten', 0),
(396, 26, '7211', 'Kabupaten Banggai Laut', 'kabupaten', 0),
(397, 26, '7212', 'Kabupaten Morowali Utara', 'kabupaten', 0),
(398, 26, '7271', 'Kota Palu', 'kota', 0);

-- 73 Sulawesi Selatan
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(399, 27, '7301', 'Kabupaten Kepulauan Selayar', 'kabupaten', 0),
(400, 27, '7302', 'Kabupaten Bulukumba', 'kabupaten', 0),
(401, 27, '7303', 'Kabupaten Bantaeng', 'kabupaten', 0),
(402, 27, '7304', 'Kabupaten Jeneponto', 'kabupaten', 0),
(403, 27, '7305', 'Kabupaten Takalar', 'kabupaten', 0),
(404, 27, '7306', 'Kabupaten Gowa', 'kabupaten', 0),
(405, 27, '7307', 'Kabupaten Sinjai', 'kabupaten', 0),
(406, 27, '7308', 'Kabupaten Bone', 'kabupaten', 0),
(407, 27, '7309', 'Kabupaten Maros', 'kabupaten', 0),
(408, 27, '7310', 'Kabupaten Pangkajene dan Kepulauan', 'kabupaten', 0),
(409, 27, '7311', 'Kabupaten Barru', 'kabupaten', 0),
(410, 27, '7312', 'Kabupaten Soppeng', 'kabupaten', 0),
(411, 27, '7313', 'Kabupaten Wajo', 'kabupaten', 0),
(412, 27, '7314', 'Kabupaten Sidenreng Rappang', 'kabupaten', 0),
(413, 27, '7315', 'Kabupaten Pinrang', 'kabupaten', 0),
(414, 27, '7316', 'Kabupaten Enrekang', 'kabupaten', 0),
(415, 27, '7317', 'Kabupaten Luwu', 'kabupaten', 0),
(416, 27, '7318', 'Kabupaten Tana Toraja', 'kabupaten', 0),
(417, 27, '7322', 'Kabupaten Luwu Utara', 'kabupaten', 0),
(418, 27, '7324', 'Kabupaten Luwu Timur', 'kabupaten', 0),
(419, 27, '7326', 'Kabupaten Toraja Utara', 'kabupaten', 0),
(420, 27, '7371', 'Kota Makassar', 'kota', 0),
(421, 27, '7372', 'Kota Parepare', 'kota', 0),
(422, 27, '7373', 'Kota Palopo', 'kota', 0);

-- 74 Sulawesi Tenggara
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(423, 28, '7401', 'Kabupaten Kolaka', 'kabupaten', 0),
(424, 28, '7402', 'Kabupaten Konawe', 'kabupaten', 0),
(425, 28, '7403', 'Kabupaten Muna', 'kabupaten', 0),
(426, 28, '7404', 'Kabupaten Buton', 'kabupaten', 0),
(427, 28, '7405', 'Kabupaten Konawe Selatan', 'kabupaten', 0),
(428, 28, '7406', 'Kabupaten Bombana', 'kabupaten', 0),
(429, 28, '7407', 'Kabupaten Wakatobi', 'kabupaten', 0),
(430, 28, '7408', 'Kabupaten Kolaka Utara', 'kabupaten', 0),
(431, 28, '7409', 'Kabupaten Konawe Utara', 'kabupaten', 0),
(432, 28, '7410', 'Kabupaten Buton Utara', 'kabupaten', 0),
(433, 28, '7411', 'Kabupaten Kolaka Timur', 'kabupaten', 0),
(434, 28, '7412', 'Kabupaten Konawe Kepulauan', 'kabupaten', 0),
(435, 28, '7413', 'Kabupaten Muna Barat', 'kabupaten', 0),
(436, 28, '7414', 'Kabupaten Buton Tengah', 'kabupaten', 0),
(437, 28, '7415', 'Kabupaten Buton Selatan', 'kabupaten', 0),
(438, 28, '7471', 'Kota Kendari', 'kota', 0),
(439, 28, '7472', 'Kota Baubau', 'kota', 0);

-- 75 Gorontalo
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(440, 29, '7501', 'Kabupaten Gorontalo', 'kabupaten', 0),
(441, 29, '7502', 'Kabupaten Boalemo', 'kabupaten', 0),
(442, 29, '7503', 'Kabupaten Bone Bolango', 'kabupaten', 0),
(443, 29, '7504', 'Kabupaten Pohuwato', 'kabupaten', 0),
(444, 29, '7505', 'Kabupaten Gorontalo Utara', 'kabupaten', 0),
(445, 29, '7571', 'Kota Gorontalo', 'kota', 0);

-- 76 Sulawesi Barat
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(446, 30, '7601', 'Kabupaten Pasangkayu', 'kabupaten', 0),
(447, 30, '7602', 'Kabupaten Mamuju', 'kabupaten', 0),
(448, 30, '7603', 'Kabupaten Mamasa', 'kabupaten', 0),
(449, 30, '7604', 'Kabupaten Polewali Mandar', 'kabupaten', 0),
(450, 30, '7605', 'Kabupaten Majene', 'kabupaten', 0),
(451, 30, '7606', 'Kabupaten Mamuju Tengah', 'kabupaten', 0);

-- 81 Maluku
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(452, 31, '8101', 'Kabupaten Maluku Tengah', 'kabupaten', 0),
(453, 31, '8102', 'Kabupaten Maluku Tenggara', 'kabupaten', 0),
(454, 31, '8103', 'Kabupaten Kepulauan Tanimbar', 'kabupaten', 0),
(455, 31, '8104', 'Kabupaten Buru', 'kabupaten', 0),
(456, 31, '8105', 'Kabupaten Seram Bagian Timur', 'kabupaten', 0),
(457, 31, '8106', 'Kabupaten Seram Bagian Barat', 'kabupaten', 0),
(458, 31, '8107', 'Kabupaten Kepulauan Aru', 'kabupaten', 0),
(459, 31, '8108', 'Kabupaten Maluku Barat Daya', 'kabupaten', 0),
(460, 31, '8109', 'Kabupaten Buru Selatan', 'kabupaten', 0),
(461, 31, '8171', 'Kota Ambon', 'kota', 0),
(462, 31, '8172', 'Kota Tual', 'kota', 0);

-- 82 Maluku Utara
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(463, 32, '8201', 'Kabupaten Halmahera Barat', 'kabupaten', 0),
(464, 32, '8202', 'Kabupaten Halmahera Tengah', 'kabupaten', 0),
(465, 32, '8203', 'Kabupaten Halmahera Utara', 'kabupaten', 0),
(466, 32, '8204', 'Kabupaten Halmahera Selatan', 'kabupaten', 0),
(467, 32, '8205', 'Kabupaten Kepulauan Sula', 'kabupaten', 0),
(468, 32, '8206', 'Kabupaten Halmahera Timur', 'kabupaten', 0),
(469, 32, '8207', 'Kabupaten Pulau Morotai', 'kabupaten', 0),
(470, 32, '8208', 'Kabupaten Pulau Taliabu', 'kabupaten', 0),
(471, 32, '8271', 'Kota Ternate', 'kota', 0),
(472, 32, '8272', 'Kota Tidore Kepulauan', 'kota', 0);

-- 91 Papua
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(473, 33, '9103', 'Kabupaten Jayapura', 'kabupaten', 0),
(474, 33, '9105', 'Kabupaten Kepulauan Yapen', 'kabupaten', 0),
(475, 33, '9106', 'Kabupaten Biak Numfor', 'kabupaten', 0),
(476, 33, '9110', 'Kabupaten Sarmi', 'kabupaten', 0),
(477, 33, '9111', 'Kabupaten Keerom', 'kabupaten', 0),
(478, 33, '9115', 'Kabupaten Waropen', 'kabupaten', 0),
(479, 33, '9119', 'Kabupaten Supiori', 'kabupaten', 0),
(480, 33, '9120', 'Kabupaten Mamberamo Raya', 'kabupaten', 0),
(481, 33, '9171', 'Kota Jayapura', 'kota', 0);

-- 92 Papua Barat
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(482, 34, '9202', 'Kabupaten Manokwari', 'kabupaten', 0),
(483, 34, '9203', 'Kabupaten Fakfak', 'kabupaten', 0),
(484, 34, '9206', 'Kabupaten Teluk Bintuni', 'kabupaten', 0),
(485, 34, '9207', 'Kabupaten Teluk Wondama', 'kabupaten', 0),
(486, 34, '9208', 'Kabupaten Kaimana', 'kabupaten', 0),
(487, 34, '9211', 'Kabupaten Manokwari Selatan', 'kabupaten', 0),
(488, 34, '9212', 'Kabupaten Pegunungan Arfak', 'kabupaten', 0);

-- 93 Papua Selatan
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(489, 35, '9301', 'Kabupaten Merauke', 'kabupaten', 0),
(490, 35, '9302', 'Kabupaten Boven Digoel', 'kabupaten', 0),
(491, 35, '9303', 'Kabupaten Mappi', 'kabupaten', 0),
(492, 35, '9304', 'Kabupaten Asmat', 'kabupaten', 0);

-- 94 Papua Tengah
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(493, 36, '9401', 'Kabupaten Nabire', 'kabupaten', 0),
(494, 36, '9402', 'Kabupaten Puncak Jaya', 'kabupaten', 0),
(495, 36, '9403', 'Kabupaten Paniai', 'kabupaten', 0),
(496, 36, '9404', 'Kabupaten Mimika', 'kabupaten', 0),
(497, 36, '9405', 'Kabupaten Puncak', 'kabupaten', 0),
(498, 36, '9406', 'Kabupaten Dogiyai', 'kabupaten', 0),
(499, 36, '9407', 'Kabupaten Intan Jaya', 'kabupaten', 0),
(500, 36, '9408', 'Kabupaten Deiyai', 'kabupaten', 0);

-- 95 Papua Pegunungan
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(501, 37, '9501', 'Kabupaten Jayawijaya', 'kabupaten', 0),
(502, 37, '9502', 'Kabupaten Pegunungan Bintang', 'kabupaten', 0),
(503, 37, '9503', 'Kabupaten Yahukimo', 'kabupaten', 0),
(504, 37, '9504', 'Kabupaten Tolikara', 'kabupaten', 0),
(505, 37, '9505', 'Kabupaten Mamberamo Tengah', 'kabupaten', 0),
(506, 37, '9506', 'Kabupaten Yalimo', 'kabupaten', 0),
(507, 37, '9507', 'Kabupaten Lanny Jaya', 'kabupaten', 0),
(508, 37, '9508', 'Kabupaten Nduga', 'kabupaten', 0);

-- 96 Papua Barat Daya
INSERT INTO {prefix}wi_regencies (id, province_id, code, name, type, created_by) VALUES
(509, 38, '9601', 'Kabupaten Sorong', 'kabupaten', 0),
(510, 38, '9602', 'Kabupaten Sorong Selatan', 'kabupaten', 0),
(511, 38, '9603', 'Kabupaten Raja Ampat', 'kabupaten', 0),
(512, 38, '9604', 'Kabupaten Tambrauw', 'kabupaten', 0),
(513, 38, '9605', 'Kabupaten Maybrat', 'kabupaten', 0),
(514, 38, '9671', 'Kota Sorong', 'kota', 0);
