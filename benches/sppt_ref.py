from scipy.stats import fisher_exact
from statsmodels.stats.multitest import multipletests
cells=[(30,2),(0,25),(12,10),(5,5),(1,0),(0,1),(50,40),(2,17)]
R=sum(c[0] for c in cells); P=sum(c[1] for c in cells)
p=[fisher_exact([[r,R-r],[q,P-q]])[1] for r,q in cells]
adj=multipletests(p,method='holm')[1]
print(R,P)
for c,a,b in zip(cells,p,adj): print(c, repr(float(a)), repr(float(b)), 'sig' if b<0.05 else '')
print(multipletests([0.01,0.04,0.03,0.005],method='holm')[1])
